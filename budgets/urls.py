app_name = "budgets"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns: list = []
