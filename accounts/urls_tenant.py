from django.urls import path

from accounts import views

app_name = "accounts_team"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("team/tweestapsverificatie/", views.team_two_factor, name="two_factor"),
    path(
        "team/tweestapsverificatie/<int:membership_pk>/reset/",
        views.team_two_factor_reset,
        name="two_factor_reset",
    ),
]
