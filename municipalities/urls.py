from django.urls import path

from municipalities import views

app_name = "municipalities"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("team/", views.team, name="team"),
    path("team/uitnodigen/", views.team_invite, name="team_invite"),
    path(
        "team/uitnodigingen/<int:invitation_pk>/opnieuw/",
        views.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "team/uitnodigingen/<int:invitation_pk>/intrekken/",
        views.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
    path(
        "team/leden/<int:membership_pk>/beeindigen/",
        views.team_membership_end,
        name="team_membership_end",
    ),
    path(
        "team/leden/<int:membership_pk>/rol/",
        views.team_membership_role,
        name="team_membership_role",
    ),
    path(
        "team/leden/<int:membership_pk>/geldig-tot/",
        views.team_membership_valid_until,
        name="team_membership_valid_until",
    ),
    path("activiteiten/", views.activity_log, name="activity_log"),
    path("leeslog/", views.read_log, name="read_log"),
    path("leeslog/leeslog.csv", views.read_log_download, name="read_log_csv"),
]
