from django.urls import path

from theming import views

app_name = "theming"

urlpatterns = [
    path("thema.css", views.theme_css, name="theme_css"),
    path("thema/logo", views.logo, name="logo"),
]
