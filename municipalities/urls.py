from django.urls import path

from municipalities import views

app_name = "municipalities"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
