from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers, the ``money`` template library, and the operational tables (task outbox,
    process heartbeats) in ``core.models``."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # {% translate "constant" %} and {% static %} remembered (core/templatetags/*_memo.py).
        from core.templatetags import i18n_memo, static_memo

        i18n_memo.install()
        static_memo.install()
