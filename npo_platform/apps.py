from django.apps import AppConfig


class NpoPlatformConfig(AppConfig):
    name = "npo_platform"
    verbose_name = "NPO-platform"
