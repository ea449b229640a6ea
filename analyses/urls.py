from django.urls import path

from analyses import views

app_name = "analyses"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("schoolanalyses/", views.overview, name="overview"),
    path("schoolanalyses/herinnering/", views.remind, name="remind"),
    path("schoolanalyses/mijn/", views.mine, name="mine"),
    path("schoolanalyses/bulkinvoer/", views.intake, name="intake"),
    path("schoolanalyses/bulkinvoer/sjabloon.xlsx", views.intake_template, name="intake_template"),
    path(
        "schoolanalyses/bulkinvoer/<str:intake_token>/",
        views.intake_preview,
        name="intake_preview",
    ),
    path("schoolanalyses/<int:analysis_pk>/", views.detail, name="detail"),
    path("schoolanalyses/<int:analysis_pk>/bewerken/", views.edit, name="edit"),
    path("schoolanalyses/<int:analysis_pk>/indienen/", views.submit, name="submit"),
    path("schoolanalyses/<int:analysis_pk>/beoordelen/", views.review, name="review"),
    path("schoolanalyses/<int:analysis_pk>/reactie/", views.reply, name="reply"),
    path(
        "schoolanalyses/<int:analysis_pk>/bijlagen/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "schoolanalyses/<int:analysis_pk>/bijlagen/<int:analysis_attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "schoolanalyses/<int:analysis_pk>/bijlagen/<int:analysis_attachment_pk>/verwijderen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
