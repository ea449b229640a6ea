import pytest

from municipalities.models import Role
from npo_platform.celery import app as celery_app
from tests.factories import MembershipFactory, MunicipalityFactory


@pytest.fixture(autouse=True)
def _eager_celery():
    """Run tasks in-process unless a test starts a real worker (see test_celery_worker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Zwolle", cbs_code="GM0193", slug="zwolle")


@pytest.fixture
def member_factory(db):
    """member_factory(municipality, role) -> a user with that membership."""

    def make(municipality, role=Role.POLICY_OFFICER, **kwargs):
        return MembershipFactory(municipality=municipality, role=role, **kwargs).user

    return make


@pytest.fixture
def officer(municipality, member_factory):
    return member_factory(municipality, Role.POLICY_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker (solo pool, in a thread) consuming from the configured broker.

    In CI that broker is the real Redis; without REDIS_URL it is Celery's in-memory transport, so
    the same test runs locally. Yields the Celery app with eager mode switched off.
    """
    import os

    from celery.contrib.testing.worker import start_worker

    broker = settings.CELERY_BROKER_URL or "memory://"
    if os.environ.get("CI") == "true":
        assert broker.startswith("redis://"), "CI must exercise the real Redis broker"
    backend = settings.CELERY_RESULT_BACKEND or "cache+memory://"
    celery_app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=False)
    # Celery caches the result backend on first use; an earlier eager test may have cached the
    # "disabled" one. Drop it so the backend configured above is used.
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield celery_app
    finally:
        celery_app.conf.update(task_always_eager=True)
