import pytest
from auditlog.context import auditlog_value

from municipalities import pagecache
from municipalities.models import Role
from npo_platform.celery import app as celery_app
from tests.factories import MembershipFactory, MunicipalityFactory


@pytest.fixture(autouse=True)
def _no_audit_actor_left_over():
    """Every test starts without an auditlog context and leaves none behind. auditlog's own
    ``set_actor`` (used by a test to stand in for the middleware) never clears its context
    variable, so a later test's audit entries in the same process took that actor, by then
    deleted (a foreign-key error when the demo seeding committed)."""
    token = auditlog_value.set(None)
    yield
    auditlog_value.reset(token)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no cached page reachable: a rolled-back test's pages must not be
    served to the next one (the cache is not rolled back). Replacing the reference version does
    that without flushing the cache the broker may share."""
    pagecache.retire_all()


@pytest.fixture(autouse=True)
def _second_factor_given(monkeypatch):
    """``client.force_login`` gives a session whose second factor counts as given (see
    tests/twofactor.py); tests of the second step use ``force_login_password_only``."""
    from django.test import Client

    from tests.twofactor import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _dutch_first():
    """Each test starts in Dutch, the product's language. A request with the English language
    cookie activates English in this thread (npo_platform.middleware.LanguageMiddleware), and
    without this a later test would read its messages in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
def celery_worker(transactional_db):
    """A real Celery worker consuming from the configured broker (see tests/celery_helpers.py)."""
    from tests.celery_helpers import running_celery_worker

    with running_celery_worker() as app:
        yield app
