"""Settings for building a fault drill's private database quickly: the test settings with every
app's tables created straight from the models (``migrate --run-syncdb``), as pytest-django's
``--nomigrations`` does: seconds instead of half a minute of migrations."""

from tests.settings import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
