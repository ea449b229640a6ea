import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Report PDFs go to a throw-away private folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _forget_celery_backend():
    """Eager task runs cache the app's (disabled) result backend per thread; drop it afterwards so
    a later test that configures a real result backend (test_celery_worker) gets fresh ones."""
    yield
    from npo_platform.celery import app

    app._local.__dict__.pop("backend", None)
    app.close()  # and connection/producer pools bound to this test's broker URL
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
