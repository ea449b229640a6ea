"""A request that meets a dead database connection is retried once before any write; after a
write it is not (never a save twice)."""

import pytest
from django.db import OperationalError, connection

from budgets.models import Allocation
from municipalities.models import Role
from npo_platform import db_retry
from tests.budgets.factories import AllocationFactory, stream

pytestmark = pytest.mark.django_db(transaction=True)


class DiesOnce:
    """Raise a connection error the first time a statement containing ``marker`` runs."""

    def __init__(self, marker: str):
        self.marker, self.fired = marker, 0

    def __call__(self, execute, sql, params, many, context):
        if self.marker in sql and not self.fired:
            self.fired += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.fixture
def dead_connection(monkeypatch):
    # SQLite never reports a connection unusable; PostgreSQL would after a restart.
    monkeypatch.setattr(db_retry, "_usable", lambda: False)


@pytest.fixture
def editor(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    return client


def test_a_read_that_meets_a_dead_connection_is_answered(editor, municipality, dead_connection):
    AllocationFactory(municipality=municipality, reference="BS-77")
    dies = DiesOnce('FROM "budgets_allocation"')
    with connection.execute_wrapper(dies):
        response = editor.get("/g/utrecht/budget/toekenningen/")
    assert dies.fired == 1
    assert response.status_code == 200 and "BS-77" in response.content.decode()


def test_a_save_that_already_wrote_is_not_repeated(editor, municipality, dead_connection):
    dies = DiesOnce('INSERT INTO "municipalities_auditlogentry"')
    data = {"stream": stream().pk, "period": "2023-2024", "amount": "1.000", "reference": "BS-1"}
    with connection.execute_wrapper(dies), pytest.raises(OperationalError):
        editor.post("/g/utrecht/budget/toekenningen/nieuw/", data)
    assert dies.fired == 1
    assert not Allocation.objects.exists()  # rolled back, and not written a second time


def test_a_save_whose_connection_dies_before_writing_is_saved_once(
    editor, municipality, dead_connection
):
    dies = DiesOnce('FROM "budgets_fundingstream"')
    data = {"stream": stream().pk, "period": "2023-2024", "amount": "1.000", "reference": "BS-2"}
    with connection.execute_wrapper(dies):
        response = editor.post("/g/utrecht/budget/toekenningen/nieuw/", data)
    assert dies.fired == 1 and response.status_code == 302
    assert Allocation.objects.get().reference == "BS-2"
