from django.urls import path

from reports import views, views_closeout

app_name = "reports"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("rapportages/", views.report_list, name="list"),
    path("rapportages/<int:report_pk>/", views.report_detail, name="detail"),
    path("rapportages/<int:report_pk>/voortgang/", views.report_progress, name="progress"),
    path("rapportages/<int:report_pk>/pdf/", views.report_pdf, name="pdf"),
    path("rapportages/<int:report_pk>/publiceren/", views.report_publish, name="publish"),
    # The close-out outputs of a stream (shown in the final accounting workspace).
    path(
        "rapportages/eindverantwoording/<slug:stream_code>/",
        views_closeout.closeout_outputs,
        name="closeout_outputs",
    ),
    path(
        "rapportages/eindverantwoording/bestand/<int:report_pk>/<slug:fmt>/",
        views_closeout.closeout_file,
        name="closeout_file",
    ),
    # The dossier for the accountant or the archive: request one, download one (a ZIP).
    path(
        "rapportages/eindverantwoording/<slug:stream_code>/dossier/",
        views_closeout.closeout_dossier_request,
        name="closeout_dossier_request",
    ),
    path(
        "rapportages/eindverantwoording/dossier/<int:report_pk>/",
        views_closeout.closeout_dossier,
        name="closeout_dossier",
    ),
]
