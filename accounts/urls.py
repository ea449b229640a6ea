from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("tweestapsverificatie/", views.two_factor_verify, name="two_factor_verify"),
    path("tweestapsverificatie/instellen/", views.two_factor_setup, name="two_factor_setup"),
    path("beveiliging/", views.security, name="security"),
    path("beveiliging/herstelcodes/", views.recovery_codes_new, name="recovery_codes_new"),
]
