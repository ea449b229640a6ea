app_name = "cycles"

# Mounted under /g/<municipality_slug>/ by npo_platform.urls.
urlpatterns: list = []
