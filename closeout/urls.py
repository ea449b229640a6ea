from django.urls import path

from closeout import views, views_continuation

app_name = "closeout"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("eindverantwoording/", views.index, name="index"),
    # Voortzetting: what continues of a closed cycle, under which stream (before the stream codes,
    # so "voortzetting" is never read as one).
    path(
        "eindverantwoording/voortzetting/",
        views_continuation.continuation_index,
        name="continuation_index",
    ),
    path(
        "eindverantwoording/voortzetting/<int:closed_cycle_pk>/",
        views_continuation.continuation,
        name="continuation",
    ),
    path(
        "eindverantwoording/voortzetting/<int:closed_cycle_pk>/nieuwe-cyclus/",
        views_continuation.continuation_start,
        name="continuation_start",
    ),
    path("eindverantwoording/<slug:stream_code>/", views.workspace, name="workspace"),
    path("eindverantwoording/<slug:stream_code>/starten/", views.start, name="start"),
    path(
        "eindverantwoording/<slug:stream_code>/gerapporteerd/",
        views.reported,
        name="reported",
    ),
    path("eindverantwoording/<slug:stream_code>/grootboek/", views.ledger, name="ledger"),
    path("eindverantwoording/<slug:stream_code>/gegevens/", views.settings, name="settings"),
    path(
        "eindverantwoording/<slug:stream_code>/overleg/nieuw/",
        views.consultation_add,
        name="consultation_add",
    ),
    path(
        "eindverantwoording/<slug:stream_code>/overleg/<int:consultation_pk>/verwijderen/",
        views.consultation_delete,
        name="consultation_delete",
    ),
    path("eindverantwoording/<slug:stream_code>/gecontroleerd/", views.check, name="check"),
    path("eindverantwoording/<slug:stream_code>/definitief/", views.finalise, name="finalise"),
    path("eindverantwoording/<slug:stream_code>/heropenen/", views.reopen, name="reopen"),
]
