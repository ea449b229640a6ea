from django.urls import path

from portfolio import views

app_name = "portfolio"

# Mounted at /portfolio/ (outside /g/<slug>/): spans the municipalities the user advises.
urlpatterns = [
    path("", views.portfolio, name="index"),
    path("export.xlsx", views.portfolio_export, name="export"),
    path("vergelijking/", views.portfolio_comparisons, name="comparisons"),
    path("herinneringen/", views.portfolio_reminders, name="reminders"),
]
