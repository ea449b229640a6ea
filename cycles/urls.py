from django.urls import path

from cycles.views import cycle, data, doelen, doen, duiden, evaluatie, phases

app_name = "cycles"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("cycli/", cycle.cycle_list, name="list"),
    path("cycli/<int:cycle_pk>/", cycle.cycle_detail, name="detail"),
    path("cycli/<int:cycle_pk>/bewerken/", cycle.cycle_edit, name="edit"),
    path("cycli/<int:cycle_pk>/fase/vooruit/", cycle.cycle_advance, name="advance"),
    path("cycli/<int:cycle_pk>/fase/terug/", cycle.cycle_go_back, name="go_back"),
    path("cycli/<int:cycle_pk>/volgende/", cycle.cycle_start_next, name="start_next"),
    # Data
    path("cycli/<int:cycle_pk>/data/", phases.data_page, name="data"),
    path("cycli/<int:cycle_pk>/data/schoolanalyses/", data.waiver_edit, name="waiver"),
    # Duiden
    path("cycli/<int:cycle_pk>/duiden/", phases.duiden_page, name="duiden"),
    path("cycli/<int:cycle_pk>/duiden/sessies/nieuw/", duiden.session_form, name="session_add"),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/",
        duiden.session_form,
        name="session_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/verwijderen/",
        duiden.session_delete,
        name="session_delete",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/sessies/<int:session_pk>/bijlagen/",
        duiden.attachment_add,
        name="attachment_add",
    ),
    path(
        "cycli/<int:cycle_pk>/bijlagen/<int:attachment_pk>/",
        duiden.attachment_download,
        name="attachment_download",
    ),
    path("cycli/<int:cycle_pk>/duiden/bevindingen/nieuw/", duiden.finding_form, name="finding_add"),
    path(
        "cycli/<int:cycle_pk>/duiden/bevindingen/<int:finding_pk>/",
        duiden.finding_form,
        name="finding_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/duiden/bevindingen/<int:finding_pk>/verwijderen/",
        duiden.finding_delete,
        name="finding_delete",
    ),
    # Doelen
    path("cycli/<int:cycle_pk>/doelen/", phases.doelen_page, name="doelen"),
    path("cycli/<int:cycle_pk>/doelen/nieuw/", doelen.goal_form, name="goal_add"),
    path("cycli/<int:cycle_pk>/doelen/<int:goal_pk>/", doelen.goal_form, name="goal_edit"),
    path(
        "cycli/<int:cycle_pk>/doelen/<int:goal_pk>/verwijderen/",
        doelen.goal_delete,
        name="goal_delete",
    ),
    # Doen
    path("cycli/<int:cycle_pk>/doen/", phases.doen_page, name="doen"),
    path(
        "cycli/<int:cycle_pk>/doen/doelen/<int:goal_pk>/activiteiten/nieuw/",
        doen.activity_form,
        name="activity_add",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/",
        doen.activity_form,
        name="activity_edit",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/verwijderen/",
        doen.activity_delete,
        name="activity_delete",
    ),
    path(
        "cycli/<int:cycle_pk>/doen/activiteiten/<int:activity_pk>/voortgang/",
        doen.progress_form,
        name="progress_add",
    ),
    # Evaluatie
    path("cycli/<int:cycle_pk>/evaluatie/", phases.evaluatie_page, name="evaluatie"),
    path(
        "cycli/<int:cycle_pk>/evaluatie/doelen/<int:goal_pk>/",
        evaluatie.outcome_form,
        name="outcome",
    ),
    path("cycli/<int:cycle_pk>/evaluatie/proces/", evaluatie.evaluation_form, name="evaluation"),
]
