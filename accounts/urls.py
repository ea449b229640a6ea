from django.urls import path

from accounts import views, views_sessions, views_signin

app_name = "accounts"

urlpatterns = [
    path("tweestapsverificatie/", views.two_factor_verify, name="two_factor_verify"),
    path("tweestapsverificatie/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("beveiliging/", views.security, name="security"),
    path("taal/", views.language_set, name="language_set"),
    path("beveiliging/herstelcodes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("sessies/", views_sessions.session_list, name="sessions"),
    path(
        "sessies/andere-beeindigen/",
        views_sessions.sessions_end_others_view,
        name="sessions_end_others",
    ),
    path(
        "sessies/<int:session_pk>/beeindigen/", views_sessions.session_end_view, name="session_end"
    ),
    path("sso/<slug:provider_slug>/", views_signin.sso_start, name="sso_start"),
    path("sso/<slug:provider_slug>/terug/", views_signin.sso_callback, name="sso_callback"),
]
