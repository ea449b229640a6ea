"""Every tenant-owned model is a ``TenantModel``: municipality, ``for_municipality()``, stamps."""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.utils import timezone

from budgets.models import Commitment, PlannedAmount
from cycles.models import Cycle, Goal, PhaseTransition
from municipalities.models import (
    AuditLogEntry,
    Membership,
    Municipality,
    ReadLogEntry,
    TenantModel,
    TenantQuerySet,
)
from reports.models import ReportJob
from schools.models import PartnerOrganisation, School
from tests.budgets.factories import PlannedAmountFactory
from tests.cycles.factories import GoalFactory

# Rows with a municipality that are not tenant-owned: platform entries of the audit trail have
# none, a school location is reference data placed by DUO's files, and the read log is an
# append-only log like the audit trail (not audited, no stamps).
NOT_TENANT_MODELS = {AuditLogEntry, ReadLogEntry, School}


def _models_with_a_municipality_fk() -> set:
    return {
        model
        for model in apps.get_models()
        if any(
            field.name == "municipality"
            and field.many_to_one
            and field.related_model is Municipality
            for field in model._meta.fields
        )
    }


def test_every_model_with_a_municipality_fk_is_a_tenant_model():
    found = _models_with_a_municipality_fk()
    assert found >= NOT_TENANT_MODELS
    assert {Membership, PartnerOrganisation, Cycle, Goal, Commitment, ReportJob} <= found
    not_tenant = {model for model in found if not issubclass(model, TenantModel)}
    assert not_tenant == NOT_TENANT_MODELS, (
        "Tenant-owned models subclass municipalities.models.TenantModel: "
        f"{sorted(m._meta.label for m in not_tenant - NOT_TENANT_MODELS)}"
    )


def test_every_tenant_model_is_read_per_municipality():
    tenant = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    assert len(tenant) >= 20
    for model in tenant:
        assert issubclass(model.objects._queryset_class, TenantQuerySet), model.__name__
    # Model-specific querysets stay.
    assert hasattr(Cycle.objects, "open") and hasattr(Membership.objects, "active")
    assert hasattr(ReportJob.objects, "done")


def test_the_municipality_fk_keeps_each_models_own_definition():
    def fk(model):
        field = model._meta.get_field("municipality")
        return field.remote_field.related_name, str(field.verbose_name)

    assert fk(Goal) == ("+", "gemeente")
    assert fk(Cycle) == ("cycles", "gemeente")
    assert fk(Commitment) == ("+", "municipality")
    assert Municipality._meta.get_field("cycles").related_model is Cycle


@pytest.mark.django_db
def test_stamps_from_the_base_and_the_models_own(municipality):
    """A model without stamps got both from TenantModel; a model that had ``created_at`` keeps
    its own (editable, default now, its own verbose name) and got ``updated_at``."""
    first = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    later = first + datetime.timedelta(hours=5)
    with mock.patch.object(timezone, "now", return_value=first):
        planned = PlannedAmountFactory(spending_goal__municipality=municipality)
        goal = GoalFactory(cycle=planned.spending_goal.cycle)
    assert (planned.created_at, planned.updated_at) == (first, first)
    assert goal.updated_at == first
    with mock.patch.object(timezone, "now", return_value=later):
        planned.save()
        goal.save()
    planned.refresh_from_db()
    goal.refresh_from_db()
    assert (planned.created_at, planned.updated_at) == (first, later)
    assert goal.updated_at == later

    assert not PlannedAmount._meta.get_field("created_at").editable
    assert str(PhaseTransition._meta.get_field("created_at").verbose_name) == "op"
    assert Goal._meta.get_field("created_at").editable
