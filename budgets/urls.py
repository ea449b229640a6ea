from django.urls import path

from budgets import estimate_views, views

app_name = "budgets"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("budget/", views.overview, name="overview"),
    path("budget/toekenningen/", views.allocation_list, name="allocation_list"),
    path("budget/npo-schatting/", estimate_views.npo_estimate_page, name="npo_estimate"),
    path("budget/toekenningen/nieuw/", views.allocation_edit, name="allocation_create"),
    path("budget/toekenningen/<int:allocation_pk>/", views.allocation_edit, name="allocation_edit"),
    path(
        "budget/toekenningen/<int:allocation_pk>/verwijderen/",
        views.allocation_delete,
        name="allocation_delete",
    ),
    path(
        "budget/toekenningen/<int:allocation_pk>/beschikking/",
        views.allocation_letter,
        name="allocation_letter",
    ),
    path("budget/beschikkingen/", views.beschikking_list, name="beschikking_list"),
    path("budget/beschikkingen/nieuw/", views.beschikking_edit, name="beschikking_create"),
    path(
        "budget/beschikkingen/<int:beschikking_pk>/",
        views.beschikking_edit,
        name="beschikking_edit",
    ),
    path(
        "budget/beschikkingen/<int:beschikking_pk>/verwijderen/",
        views.beschikking_delete,
        name="beschikking_delete",
    ),
    path(
        "budget/beschikkingen/<int:beschikking_pk>/brief/",
        views.beschikking_letter,
        name="beschikking_letter",
    ),
    path(
        "budget/afgesloten/<int:freeze_pk>/heropenen/",
        views.stream_reopen,
        name="stream_reopen",
    ),
    path("budget/bestedingsdoelen/", views.spending_goal_list, name="spending_goal_list"),
    path("budget/bestedingsdoelen/nieuw/", views.spending_goal_edit, name="spending_goal_create"),
    path(
        "budget/bestedingsdoelen/<int:spending_goal_pk>/",
        views.spending_goal_edit,
        name="spending_goal_edit",
    ),
    path(
        "budget/bestedingsdoelen/<int:spending_goal_pk>/verwijderen/",
        views.spending_goal_delete,
        name="spending_goal_delete",
    ),
    path("budget/verplichtingen/", views.commitment_list, name="commitment_list"),
    path("budget/verplichtingen/nieuw/", views.commitment_edit, name="commitment_create"),
    path(
        "budget/verplichtingen/<int:commitment_pk>/",
        views.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "budget/verplichtingen/<int:commitment_pk>/verwijderen/",
        views.commitment_delete,
        name="commitment_delete",
    ),
    path("budget/realisatie/", views.spending_list, name="spending_list"),
    path("budget/realisatie/nieuw/", views.spending_edit, name="spending_create"),
    path("budget/realisatie/<int:spending_pk>/", views.spending_edit, name="spending_edit"),
    path(
        "budget/realisatie/<int:spending_pk>/verwijderen/",
        views.spending_delete,
        name="spending_delete",
    ),
    path("budget/export/verantwoording.xlsx", views.export_xlsx, name="export_xlsx"),
    path("budget/export/<slug:dataset>.csv", views.export_csv, name="export_csv"),
]
