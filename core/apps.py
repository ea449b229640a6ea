from django.apps import AppConfig


class CoreConfig(AppConfig):
    """No models: installed only for the ``money`` template library."""

    name = "core"
    verbose_name = "Core"
