"""The audit trail: row changes with field diffs, events, tenant scoping, append-only."""

from datetime import timedelta

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.audit import logged_models, tenant_models
from municipalities.models import AuditLogEntry, Municipality, ReadLogEntry, Role
from schools.models import PartnerOrganisation, School
from tests.factories import TEST_PASSWORD, MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = AuditLogEntry.Action


def entries_for(obj):
    return AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).order_by("pk")


def test_every_model_with_a_municipality_fk_is_audited():
    """Models other apps add later are registered without them doing anything (a TenantModel is
    found by municipalities; School, reference data, is registered by the schools app)."""
    found = [
        model
        for model in apps.get_models()
        if any(
            f.name == "municipality" and f.many_to_one and f.related_model is Municipality
            for f in model._meta.fields
        )
        # The two logs themselves: the audit trail, and the read log (a read changes nothing).
        and model not in (AuditLogEntry, ReadLogEntry)
    ]
    assert School in found and len(found) >= 3
    assert set(found) - {School} == set(tenant_models())
    missing = [m.__name__ for m in found if not auditlog.contains(m)]
    assert not missing
    assert auditlog.contains(Municipality)
    # The kinds of object the Activiteitenlog offers as a filter.
    assert set(logged_models()) == {Municipality, *found}


def test_the_stamps_are_never_in_the_trail(municipality):
    """created_at/updated_at of every tenant model stay out of the diffs, whether the model had
    them before TenantModel (PartnerOrganisation, Cycle) or got them from it (ReportJob)."""
    for model in tenant_models():
        excluded = auditlog.get_model_fields(model)["exclude_fields"]
        assert {"created_at", "updated_at"} <= set(excluded), model.__name__
    partner = PartnerOrganisation.objects.create(
        municipality=municipality, name="Bibliotheek", kind=PartnerOrganisation.Kind.LIBRARY
    )
    partner.contact_name = "Els"
    partner.save()
    created, updated = entries_for(partner)
    assert created.changes["name"] == ["None", "Bibliotheek"]
    assert not {"created_at", "updated_at"} & set(created.changes)
    assert updated.changes == {"contact_name": ["", "Els"]}


def test_create_update_delete_of_tenant_data_with_field_diff(municipality):
    school = SchoolFactory(municipality=municipality, name="De Regenboog", local_note="")
    school.name = "De Zonnewijzer"
    school.local_note = "Let op: fusie"
    school.save()
    pk = school.pk
    school.delete()
    school.pk = pk

    created, updated, deleted = entries_for(school)
    assert [created.action, updated.action, deleted.action] == [
        Action.CREATE,
        Action.UPDATE,
        Action.DELETE,
    ]
    assert {created.municipality_id, updated.municipality_id, deleted.municipality_id} == {
        municipality.pk
    }
    assert created.changes["name"] == ["None", "De Regenboog"]
    assert updated.changes == {
        "name": ["De Regenboog", "De Zonnewijzer"],
        "local_note": ["", "Let op: fusie"],
    }
    assert deleted.changes["name"] == ["De Zonnewijzer", "None"]


def test_changes_through_a_page_record_the_actor_and_address(
    officer_client, officer, municipality, member_factory
):
    viewer = member_factory(municipality, Role.VIEWER)
    membership = viewer.memberships.get()
    officer_client.post(
        reverse("municipalities:team_membership_end", args=[municipality.slug, membership.pk]),
        REMOTE_ADDR="203.0.113.7",
    )
    entry = entries_for(membership).last()
    assert entry.action == Action.UPDATE
    assert entry.event == AuditLogEntry.Event.MEMBERSHIP_ENDED
    assert entry.actor == officer
    assert entry.remote_addr == "203.0.113.7"
    assert entry.municipality == municipality
    assert entry.changes["ended_at"][0] == "None"


def test_invitation_entries_never_contain_the_token_hash(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("municipalities:team_invite", args=[municipality.slug]),
            {"email": "a@b.nl", "role": Role.VIEWER},
        )
    entry = AuditLogEntry.objects.get(event=AuditLogEntry.Event.INVITATION_SENT)
    assert entry.action == Action.CREATE and entry.municipality == municipality
    assert entry.changes["email"] == ["None", "a@b.nl"]
    assert "token_hash" not in entry.changes


def test_login_is_recorded_per_municipality_of_the_user(client, municipality, other_municipality):
    user = UserFactory(email="adviseur@example.nl")
    MembershipFactory(user=user, municipality=municipality, role=Role.ADVISOR)
    MembershipFactory(user=user, municipality=other_municipality, role=Role.ADVISOR)
    client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    logins = AuditLogEntry.objects.filter(event=AuditLogEntry.Event.LOGIN)
    assert {e.municipality for e in logins} == {municipality, other_municipality}
    assert {e.actor for e in logins} == {user}
    # last_login is not logged as a user change on every login
    assert not AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), action=Action.UPDATE
    ).exists()


def test_failed_login_has_no_municipality(client, municipality):
    MembershipFactory(municipality=municipality, user=UserFactory(email="f@utrecht.nl"))
    client.post(reverse("login"), {"username": "f@utrecht.nl", "password": "fout"})
    client.post(reverse("login"), {"username": "onbekend@x.nl", "password": "fout"})
    failed = AuditLogEntry.objects.filter(event=AuditLogEntry.Event.LOGIN_FAILED).order_by("pk")
    assert [e.object_repr for e in failed] == ["f@utrecht.nl", "onbekend@x.nl"]
    assert all(e.municipality_id is None and e.actor_id is None for e in failed)
    assert not AuditLogEntry.objects.for_municipality(municipality).filter(
        event=AuditLogEntry.Event.LOGIN_FAILED
    )


def test_the_trail_is_append_only(municipality):
    SchoolFactory(municipality=municipality)
    entry = AuditLogEntry.objects.first()
    entry.object_repr = "vervalst"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditLogEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditLogEntry.objects.update(object_repr="x")


# --- The Activiteitenlog page ---------------------------------------------------------------------


def log_url(municipality, **params):
    from urllib.parse import urlencode

    url = reverse("municipalities:activity_log", args=[municipality.slug])
    return f"{url}?{urlencode(params)}" if params else url


def test_activity_log_shows_only_this_municipality(
    officer_client, municipality, other_municipality
):
    SchoolFactory(municipality=municipality, name="School Hier")
    SchoolFactory(municipality=other_municipality, name="School Daar")
    body = officer_client.get(log_url(municipality)).content.decode()
    assert "School Hier" in body
    assert "School Daar" not in body


def test_activity_log_shows_the_field_diff_readably(officer_client, municipality):
    school = SchoolFactory(municipality=municipality, name="Oud", sector=School.Sector.BO)
    school.name = "Nieuw"
    school.sector = School.Sector.SBO
    school.save()
    body = officer_client.get(log_url(municipality, action="update")).content.decode()
    assert "Oud → Nieuw" in body
    assert "Basisonderwijs → Speciaal basisonderwijs" in body  # choice labels, not codes


def test_activity_log_filters(officer_client, officer, municipality, member_factory):
    viewer = member_factory(municipality, Role.VIEWER)
    school = SchoolFactory(municipality=municipality, name="Gefilterde school")
    school.delete()
    officer_client.post(
        reverse(
            "municipalities:team_membership_end",
            args=[municipality.slug, viewer.memberships.get().pk],
        )
    )
    school_type = ContentType.objects.get_for_model(School).pk

    by_kind = officer_client.get(log_url(municipality, kind=school_type)).context
    assert {e.content_type_id for e, *_ in by_kind["rows"]} == {school_type}

    deleted = officer_client.get(log_url(municipality, action="delete")).context["rows"]
    assert [(e.action, e.object_repr) for e, *_ in deleted] == [(Action.DELETE, str(school))]

    mine = officer_client.get(log_url(municipality, actor=officer.pk)).context["rows"]
    assert mine and all(e.actor == officer for e, *_ in mine)

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert officer_client.get(log_url(municipality, date_from=tomorrow)).context["rows"] == []
    today = timezone.localdate().isoformat()
    assert officer_client.get(log_url(municipality, date_from=today, date_to=today)).context["rows"]

    bad = officer_client.get(log_url(municipality, date_from=tomorrow, date_to=today))
    assert "vóór de begindatum" in bad.content.decode()


def test_activity_log_is_paginated_with_a_constant_query_count(
    officer_client, municipality, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            school = SchoolFactory(municipality=municipality)
            school.local_note = "gewijzigd"
            school.save()

    make(2)
    # Only school entries, so the page names the same kinds of related object both times.
    url = log_url(municipality, kind=ContentType.objects.get_for_model(School).pk)
    officer_client.get(url)  # warm the ContentType cache
    with CaptureQueriesContext(connection) as few:
        officer_client.get(url)
    make(40)
    with django_assert_num_queries(len(few)):
        response = officer_client.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    second = officer_client.get(log_url(municipality, action="update", pagina=2))
    assert second.status_code == 200


def test_activity_log_is_for_editors_only(client, municipality, member_factory):
    for role, status in [
        (Role.POLICY_OFFICER, 200),
        (Role.ADVISOR, 200),
        (Role.VIEWER, 403),
        (Role.SCHOOL, 403),
    ]:
        client.force_login(member_factory(municipality, role))
        assert client.get(log_url(municipality)).status_code == status, role


def test_staff_see_all_entries_in_the_admin(client, municipality):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("login"), {"username": "niemand@x.nl", "password": "fout"})
    SchoolFactory(municipality=municipality, name="Admin School")
    client.force_login(staff)
    changelist = reverse("admin:municipalities_auditlogentry_changelist")
    body = client.get(changelist).content.decode()
    assert "niemand@x.nl" in body and "Admin School" in body
    filtered = client.get(changelist, {"municipality__id__exact": municipality.pk})
    assert "Admin School" in filtered.content.decode()
    assert "niemand@x.nl" not in filtered.content.decode()
    entry = AuditLogEntry.objects.first()
    change = reverse("admin:municipalities_auditlogentry_change", args=[entry.pk])
    assert client.post(change, {}).status_code == 403
    delete = reverse("admin:municipalities_auditlogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_forged_forwarded_for_header_is_not_the_recorded_address(officer_client, municipality):
    membership = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    officer_client.post(
        reverse("municipalities:team_membership_end", args=[municipality.slug, membership.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="10.6.6.6",
    )
    assert entries_for(membership).last().remote_addr == "203.0.113.7"


def test_behind_our_proxy_the_address_it_added_is_recorded(officer_client, municipality, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    membership = MembershipFactory(municipality=municipality, role=Role.VIEWER)
    officer_client.post(
        reverse("municipalities:team_membership_end", args=[municipality.slug, membership.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="10.6.6.6, 198.51.100.20",
    )
    assert entries_for(membership).last().remote_addr == "198.51.100.20"


def test_the_actor_of_a_request_does_not_stay_behind_for_later_work(
    officer_client, officer, municipality, member_factory
):
    """auditlog sets its context for a request and never resets it. Work that runs later in the
    same thread (a Celery task, a command, the next test) must not be written in that user's
    name: neither by itself nor inside ``audit_context`` with another actor."""
    from municipalities.audit import audit_context
    from municipalities.services import membership_end

    assert (
        officer_client.get(reverse("municipalities:team", args=[municipality.slug])).status_code
        == 200
    )
    colleague = member_factory(municipality, Role.POLICY_OFFICER)
    membership = member_factory(municipality, Role.VIEWER).memberships.get()
    assert entries_for(membership).last().actor is None  # made outside any request
    membership_end(membership=membership, ended_by=colleague)
    entry = entries_for(membership).last()
    assert entry.event == AuditLogEntry.Event.MEMBERSHIP_ENDED
    assert entry.actor == colleague  # not the officer of the earlier request
    with audit_context(event=AuditLogEntry.Event.MEMBERSHIP_ENDED):
        school = SchoolFactory(municipality=municipality)
    assert entries_for(school).last().actor is None
