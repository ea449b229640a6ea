from django.urls import path

from schools import views

app_name = "schools"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns = [
    path("scholen/", views.school_list, name="school_list"),
    path("scholen/<int:school_pk>/", views.school_detail, name="school_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/nieuw/", views.partner_create, name="partner_create"),
    path("partners/<int:partner_pk>/bewerken/", views.partner_edit, name="partner_edit"),
    path(
        "partners/<int:partner_pk>/actief/",
        views.partner_toggle_active,
        name="partner_toggle_active",
    ),
]
