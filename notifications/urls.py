from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("teller/", views.badge, name="badge"),
    path("alles-gelezen/", views.read_all, name="read_all"),
    path("instellingen/", views.preferences, name="preferences"),
    path("<int:notification_pk>/", views.notification_open, name="open"),
    path("afmelden/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
