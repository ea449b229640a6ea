from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from municipalities.forms import EmailAuthenticationForm
from municipalities.views import home, invitation_accept
from npo_platform.views import accessibility_statement, healthz

# Every tenant page lives under /g/<municipality_slug>/; the isolation sweep test walks this list.
tenant_patterns = [
    path("", include("municipalities.urls")),
    path("", include("schools.urls")),
    path("", include("analyses.urls")),
    path("", include("cycles.urls")),
    path("", include("budgets.urls")),
    path("", include("reports.urls")),
    path("", include("accounts.urls_tenant")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("toegankelijkheid/", accessibility_statement, name="accessibility_statement"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("uitnodiging/<str:token>/", invitation_accept, name="invitation_accept"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("rapportages/", include("reports.urls_bulk")),
    path("portfolio/", include("portfolio.urls")),
    path("g/<slug:municipality_slug>/", include(tenant_patterns)),
]
