"""The role matrix of issues 3 and 18 over the tenancy pages, and generically over every tenant
page (docs/roles.md describes it in words)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.test_isolation_sweep import ACCOUNTANT_WRITES, TENANT_URLS, _kwargs_for, _path

pytestmark = pytest.mark.django_db

ADVISOR, OFFICER, VIEWER, SCHOOL = Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER, Role.SCHOOL
ACCOUNTANT = Role.ACCOUNTANT
EXPIRED = "expired-accountant"
NON_MEMBER = "non-member"
ROLES = [ADVISOR, OFFICER, VIEWER, SCHOOL, ACCOUNTANT, EXPIRED, NON_MEMBER]

# page, method -> expected status per role
# (advisor, officer, viewer, school, accountant, expired accountant, non-member)
MATRIX = {
    ("dashboard", "GET"): (200, 200, 200, 200, 200, 404, 404),
    ("team", "GET"): (200, 200, 200, 403, 403, 404, 404),
    ("team_invite", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("team_invitation_revoke", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("team_invitation_resend", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("team_membership_end", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("team_membership_role", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("team_membership_valid_until", "POST"): (302, 302, 403, 403, 403, 404, 404),
    ("activity_log", "GET"): (200, 200, 403, 403, 403, 404, 404),
    ("read_log", "GET"): (403, 200, 403, 403, 403, 404, 404),
    ("read_log_csv", "GET"): (403, 200, 403, 403, 403, 404, 404),
}

# Every tenant page an accountant may GET (issue 18: budgets, the final accounting, exports and
# the accountant's dossier; no school analyses, no team page, no reports). Every other tenant
# page answers 403 (or 405), and after valid_until every page answers 404.
ACCOUNTANT_PAGES = {
    "municipalities:dashboard",
    "budgets:overview",
    "budgets:npo_estimate",
    "budgets:allocation_list",
    "budgets:allocation_letter",
    "budgets:beschikking_list",
    "budgets:beschikking_letter",
    "budgets:spending_goal_list",
    "budgets:commitment_list",
    "budgets:spending_list",
    "budgets:export_xlsx",
    "budgets:export_csv",
    "reports:closeout_outputs",
    "reports:closeout_file",
    "reports:closeout_dossier",
    "closeout:index",
    "closeout:workspace",
    # Their pages show the municipality's colours and logo like everyone else's.
    "theming:theme_css",
    "theming:logo",
}


def login_as(client, role, municipality, other_municipality):
    if role == NON_MEMBER:
        user = MembershipFactory(municipality=other_municipality, role=ADVISOR).user
    elif role == EXPIRED:
        user = MembershipFactory(
            municipality=municipality,
            role=ACCOUNTANT,
            valid_until=timezone.localdate() - timedelta(days=1),
        ).user
    else:
        user = MembershipFactory(municipality=municipality, role=role).user
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("page,method", list(MATRIX), ids=lambda v: str(v))
def test_role_matrix(
    client, municipality, other_municipality, role, page, method, django_capture_on_commit_callbacks
):
    login_as(client, role, municipality, other_municipality)
    kwargs = {}
    data = {}
    if page in ("team_invitation_revoke", "team_invitation_resend"):
        from tests.municipalities.isolation import KWARG_FACTORIES

        kwargs["invitation_pk"] = KWARG_FACTORIES["invitation_pk"](municipality)
    elif page in ("team_membership_end", "team_membership_role"):
        kwargs["membership_pk"] = MembershipFactory(municipality=municipality, role=VIEWER).pk
        data = {"role": "policy_officer"}
    elif page == "team_membership_valid_until":
        kwargs["membership_pk"] = MembershipFactory(municipality=municipality, role=ACCOUNTANT).pk
        data = {"valid_until": (timezone.localdate() + timedelta(days=200)).isoformat()}
    elif page == "team_invite":
        data = {"email": "nieuw@example.nl", "role": VIEWER}
    url = reverse(f"municipalities:{page}", args=[municipality.slug, *kwargs.values()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url) if method == "GET" else client.post(url, data)
    expected = MATRIX[(page, method)][ROLES.index(role)]
    assert response.status_code == expected


def test_school_role_sees_only_its_own_school_on_the_dashboard(client, municipality):
    membership = MembershipFactory(municipality=municipality, role=SCHOOL)
    MembershipFactory(
        municipality=municipality, role=OFFICER, user=UserFactory(email="geheim@x.nl")
    )
    client.force_login(membership.user)
    body = client.get(f"/g/{municipality.slug}/").content.decode()
    assert membership.school.name in body
    assert "geheim@x.nl" not in body  # no member list
    assert "/team/" not in body and "/activiteiten/" not in body  # no nav to them


def test_advisor_invites_and_may_invite_advisors(
    client, municipality, other_municipality, django_capture_on_commit_callbacks
):
    login_as(client, ADVISOR, municipality, other_municipality)
    school = SchoolFactory(municipality=municipality)
    for data in (
        {"email": "a@x.nl", "role": ADVISOR},
        {"email": "s@x.nl", "role": SCHOOL, "school": school.pk},
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/g/{municipality.slug}/team/uitnodigen/", data)
        assert response.status_code == 302


@pytest.mark.parametrize("role", [ADVISOR, OFFICER, VIEWER, SCHOOL, ACCOUNTANT], ids=str)
@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_every_page_answers_each_role_as_declared(client, municipality, url, role):
    """GET as each role: roles the page declares may read it (no 403), other roles get 403.

    Only the refusal is checked here: an object page may still answer 404 (a school member
    asking for another school's object, a download that has no file yet).
    """
    kwargs = _kwargs_for(url, municipality)
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    status = client.get(_path(url, municipality.slug, kwargs)).status_code
    if role in url.callback.tenant_read_roles:
        assert status != 403 and status < 500, f"{url.name} as {role}: {status}"
    else:
        assert status in (403, 405), f"{url.name} as {role}: {status}"


@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_viewers_and_schools_are_never_editors_by_default(url):
    assert Role.VIEWER not in url.callback.tenant_write_roles, url.name


@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_the_accountant_reaches_exactly_the_intended_pages(client, municipality, url):
    kwargs = _kwargs_for(url, municipality)
    client.force_login(MembershipFactory(municipality=municipality, role=ACCOUNTANT).user)
    path = _path(url, municipality.slug, kwargs)
    status = client.get(path).status_code
    if url.name in ACCOUNTANT_PAGES:
        # An object page may answer 404 (a letter without a file), never 403.
        assert status in (200, 404), f"{url.name} as accountant: {status}"
    else:
        assert status in (403, 405), f"{url.name} as accountant: {status}, not in ACCOUNTANT_PAGES"
    # The accountant's dossier request refuses an empty form with a message (302).
    expected = (302,) if url.name in ACCOUNTANT_WRITES else (403, 405)
    assert client.post(path, {}).status_code in expected, f"POST {url.name} as accountant"


def test_the_accountant_pages_exist():
    assert {u.name for u in TENANT_URLS} >= ACCOUNTANT_PAGES


@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_accountants_are_never_editors(url):
    if (
        url.name in ACCOUNTANT_WRITES
    ):  # the dossier request: editors and the accountant, no one else
        assert url.callback.tenant_write_roles == {ADVISOR, OFFICER, ACCOUNTANT}, url.name
        return
    assert ACCOUNTANT not in url.callback.tenant_write_roles, url.name
