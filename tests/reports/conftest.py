import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Report PDFs go to a throw-away private folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT
