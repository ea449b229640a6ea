from django.urls import path

from cycles import views

app_name = "cycles"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("cycli/", views.cycle_list, name="list"),
    path("cycli/<int:cycle_pk>/", views.cycle_detail, name="detail"),
    path("cycli/<int:cycle_pk>/bewerken/", views.cycle_edit, name="edit"),
    path("cycli/<int:cycle_pk>/fase/vooruit/", views.cycle_advance, name="advance"),
    path("cycli/<int:cycle_pk>/fase/terug/", views.cycle_go_back, name="go_back"),
    path("cycli/<int:cycle_pk>/volgende/", views.cycle_start_next, name="start_next"),
    # Data
    path("cycli/<int:cycle_pk>/data/", views.data_page, name="data"),
    path("cycli/<int:cycle_pk>/data/schoolanalyses/", views.waiver_edit, name="waiver"),
    # Duiden
    path("cycli/<int:cycle_pk>/duiden/", views.duiden_page, name="duiden"),
    path("cycli/<int:cycle_pk>/duiden/sessies/nieuw/", views.session_form, name="session_add"),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/",
        views.session_form,
        name="session_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/verwijderen/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/bijlagen/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "cycli/<int:cycle_pk>/bijlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("cycli/<int:cycle_pk>/duiden/bevindingen/nieuw/", views.finding_form, name="finding_add"),
    path(
        "cycli/<int:cycle_pk>/duiden/bevindingen/<int:finding_pk>/",
        views.finding_form,
        name="finding_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/bevindingen/<int:finding_pk>/verwijderen/",
        views.finding_delete,
        name="finding_delete",
    ),
    # Doelen
    path("cycli/<int:cycle_pk>/doelen/", views.doelen_page, name="doelen"),
    path("cycli/<int:cycle_pk>/doelen/nieuw/", views.goal_form, name="goal_add"),
    path("cycli/<int:cycle_pk>/doelen/<int:goal_pk>/", views.goal_form, name="goal_edit"),
    path(
        "cycli/<int:cycle_pk>/doelen/<int:goal_pk>/verwijderen/",
        views.goal_delete,
        name="goal_delete",
    ),
    # Doen
    path("cycli/<int:cycle_pk>/doen/", views.doen_page, name="doen"),
    path(
        "cycli/<int:cycle_pk>/doen/doelen/<int:goal_pk>/activiteiten/nieuw/",
        views.activity_form,
        name="activity_add",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/",
        views.activity_form,
        name="activity_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/verwijderen/",
        views.activity_delete,
        name="activity_delete",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/voortgang/",
        views.progress_form,
        name="progress_add",
    ),
    # Evaluatie
    path("cycli/<int:cycle_pk>/evaluatie/", views.evaluatie_page, name="evaluatie"),
    path(
        "cycli/<int:cycle_pk>/evaluatie/doelen/<int:goal_pk>/",
        views.outcome_form,
        name="outcome",
    ),
    path("cycli/<int:cycle_pk>/evaluatie/proces/", views.evaluation_form, name="evaluation"),
]
