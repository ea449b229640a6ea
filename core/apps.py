from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers, the ``money`` template library, and the operational tables (task outbox,
    process heartbeats) in ``core.models``."""

    name = "core"
    verbose_name = "Core"
