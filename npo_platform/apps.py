from django.apps import AppConfig


class NpoPlatformConfig(AppConfig):
    name = "npo_platform"
    verbose_name = "NPO-platform"

    def ready(self) -> None:
        from core.cache import on_recovery
        from municipalities import pagecache

        # Connects the user_logged_in receiver that marks a fresh session as touched. Importing it
        # only when the first request loads the middleware left logins made before that (a
        # management command, a test's force_login) without the mark.
        from npo_platform import middleware  # noqa: F401

        # After a Redis outage, retire every kept page before serving one: a save made meanwhile
        # could not retire the pages that show it.
        on_recovery(pagecache.retire_all)
