from django.urls import path

from reports import views

app_name = "reports_bulk"

# Mounted at /rapportages/ (outside /g/<slug>/): acts only on the advisor's own municipalities.
urlpatterns = [
    path("bulk/", views.bulk_request, name="bulk"),
]
