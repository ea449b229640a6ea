from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views_signin
from municipalities.views import home, invitation_accept
from npo_platform.views import accessibility_statement, healthz

# Every tenant page lives under /g/<municipality_slug>/; the isolation sweep test walks this list.
tenant_patterns = [
    path("", include("municipalities.urls")),
    path("", include("schools.urls")),
    path("", include("analyses.urls")),
    path("", include("cycles.urls")),
    path("", include("budgets.urls")),
    path("", include("closeout.urls")),
    path("", include("reports.urls")),
    path("", include("accounts.urls_tenant")),
    path("", include("theming.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("toegankelijkheid/", accessibility_statement, name="accessibility_statement"),
    # E-mail first: a domain with single sign-on goes to its provider, others get the password.
    path("accounts/login/", views_signin.LoginView.as_view(), name="login"),
    # Logout also ends the provider's session after a sign-on (RP-initiated logout).
    path("accounts/logout/", views_signin.logout, name="logout"),
    # Django's password views, plus: the user's other sessions end and a security mail goes.
    path(
        "accounts/password_change/",
        views_signin.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views_signin.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # The rest of django.contrib.auth.urls as is (not included whole: its login, logout and
    # password views would shadow ours above under the same names).
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/",
        views_signin.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("accounts.urls")),
    path("uitnodiging/<str:token>/", invitation_accept, name="invitation_accept"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("rapportages/", include("reports.urls_bulk")),
    path("portfolio/", include("portfolio.urls")),
    path("meldingen/", include("notifications.urls")),
    path("g/<slug:municipality_slug>/", include(tenant_patterns)),
]
