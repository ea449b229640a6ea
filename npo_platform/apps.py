from django.apps import AppConfig


class NpoPlatformConfig(AppConfig):
    name = "npo_platform"
    verbose_name = "NPO-platform"

    def ready(self) -> None:
        # Connects the user_logged_in receiver that marks a fresh session as touched. Importing it
        # only when the first request loads the middleware left logins made before that (a
        # management command, a test's force_login) without the mark.
        from npo_platform import middleware  # noqa: F401
