"""The second sign-in factor: who needs it, enrolment, codes, recovery codes, and resets."""

import re
import time

import pyotp
import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import secret_of
from accounts.services import recovery_codes_regenerate, totp_enrol_confirm, totp_enrol_start
from municipalities.models import AuditLogEntry, Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.twofactor import force_login_password_only

VERIFY = "/accounts/tweestapsverificatie/"
SETUP = "/accounts/tweestapsverificatie/instellen/"


def enrol(user) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol ``user`` through the services; returns their app (pyotp) and recovery codes."""
    device = totp_enrol_start(user=user)
    app = pyotp.TOTP(secret_of(device.key))
    # Confirmed with the previous step's code, so the current one is still unused for the login.
    _device, codes = totp_enrol_confirm(user=user, token=previous_code(app))
    mail.outbox.clear()
    return app, codes


def previous_code(app: pyotp.TOTP) -> str:
    """The previous step's code, which the device still accepts (one step either way)."""
    return app.at(time.time() - 30)


def unthrottle(user) -> None:
    """After a wrong code django-otp makes the next try wait (test_wrong_codes_are_throttled);
    tests that try a right code straight after a wrong one skip the wait."""
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)


@pytest.mark.django_db
class TestWhoMustGiveASecondFactor:
    def test_password_only_policy_officer_reaches_no_tenant_page(
        self, client, municipality, officer
    ):
        force_login_password_only(client, officer)
        for url in [
            "/g/utrecht/",
            "/g/utrecht/team/",
            "/",
            "/portfolio/",
            "/accounts/beveiliging/",
        ]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(VERIFY + "?next="), url
        # Nor may it write.
        response = client.post("/g/utrecht/team/uitnodigen/", {"email": "x@example.nl"})
        assert response.status_code == 302 and response.url.startswith(VERIFY)

    def test_the_login_form_leads_to_the_second_step(self, client, municipality, officer):
        response = client.post(
            reverse("login") + "?next=/g/utrecht/",
            {"username": officer.email, "password": TEST_PASSWORD, "next": "/g/utrecht/"},
        )
        assert response.status_code == 302
        response = client.get(response.url)
        assert response.status_code == 302
        assert response.url == VERIFY + "?next=/g/utrecht/"

    def test_advisor_and_staff_must_too(self, client, municipality, member_factory):
        advisor = member_factory(municipality, Role.ADVISOR)
        force_login_password_only(client, advisor)
        assert client.get("/g/utrecht/").status_code == 302
        staff = UserFactory(is_staff=True)
        force_login_password_only(client, staff)
        response = client.get("/beheer/")
        assert response.status_code == 302 and response.url.startswith(VERIFY)

    def test_viewer_without_an_app_goes_straight_in(self, client, municipality, member_factory):
        viewer = member_factory(municipality, Role.VIEWER)
        force_login_password_only(client, viewer)
        assert client.get("/g/utrecht/").status_code == 200

    def test_viewer_who_chose_an_app_gives_the_code(self, client, municipality, member_factory):
        viewer = member_factory(municipality, Role.VIEWER)
        app, _codes = enrol(viewer)
        force_login_password_only(client, viewer)
        assert client.get("/g/utrecht/").status_code == 302
        response = client.post(VERIFY, {"code": app.now(), "next": "/g/utrecht/"})
        assert response.status_code == 302 and response.url == "/g/utrecht/"
        assert client.get("/g/utrecht/").status_code == 200

    @override_settings(TWO_FACTOR_REQUIRED_ROLES=["viewer"])
    def test_the_roles_are_a_setting(self, client, municipality, member_factory, officer):
        force_login_password_only(client, officer)
        assert client.get("/g/utrecht/").status_code == 200
        viewer = member_factory(municipality, Role.VIEWER)
        force_login_password_only(client, viewer)
        assert client.get("/g/utrecht/").status_code == 302

    def test_logout_and_language_stay_open(self, client, municipality, officer):
        force_login_password_only(client, officer)
        assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
        response = client.post(reverse("logout"))
        assert response.status_code == 302 and response.url == reverse("login")
        assert client.get("/g/utrecht/").url.startswith(reverse("login"))


@pytest.mark.django_db
class TestEnrolment:
    def test_enrol_with_qr_code_and_get_ten_recovery_codes(
        self, client, municipality, officer, django_capture_on_commit_callbacks
    ):
        force_login_password_only(client, officer)
        response = client.get(VERIFY + "?next=/g/utrecht/team/")
        assert response.status_code == 302 and response.url.startswith(SETUP)
        page = client.get(response.url).content.decode()
        assert "<svg" in page and 'autocomplete="one-time-code"' in page
        secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
        app = pyotp.TOTP(secret)

        wrong = "000000" if app.now() != "000000" else "111111"
        response = client.post(SETUP, {"code": wrong, "next": "/g/utrecht/team/"})
        assert response.status_code == 200
        assert "Die code klopt niet" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
        assert client.get("/g/utrecht/").status_code == 302

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SETUP, {"code": app.now(), "next": "/g/utrecht/team/"})
        assert response.status_code == 200
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
        assert len(codes) == 10 and len(set(codes)) == 10
        assert StaticToken.objects.filter(device__user=officer).count() == 10
        assert client.get("/g/utrecht/team/").status_code == 200

        assert [m.to for m in mail.outbox] == [[officer.email]]
        assert "ingesteld" in mail.outbox[0].subject
        entries = AuditLogEntry.objects.filter(event=AuditLogEntry.Event.TWO_FACTOR_ENROLLED)
        assert [(e.municipality_id, e.actor_id) for e in entries] == [(municipality.pk, officer.pk)]

    def test_a_pending_session_cannot_enrol_a_second_app(self, client, municipality, officer):
        enrol(officer)
        force_login_password_only(client, officer)
        response = client.get(SETUP)
        assert response.status_code == 302 and response.url.startswith(VERIFY)
        assert TOTPDevice.objects.filter(user=officer).count() == 1

    def test_the_next_url_stays_on_this_site(self, client, municipality, officer):
        app, _codes = enrol(officer)
        force_login_password_only(client, officer)
        response = client.post(VERIFY, {"code": app.now(), "next": "https://evil.example/"})
        assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
class TestCodes:
    def test_a_code_works_once(self, client, municipality, officer):
        app, _codes = enrol(officer)
        code = app.now()
        force_login_password_only(client, officer)
        key_before = client.session.session_key
        assert client.post(VERIFY, {"code": code}).status_code == 302
        assert client.session.session_key != key_before  # a new key after the step up
        assert client.get("/g/utrecht/").status_code == 200
        force_login_password_only(client, officer)
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "al gebruikt" in response.content.decode()
        assert client.get("/g/utrecht/").status_code == 302

    def test_recovery_codes_work_once(self, client, municipality, officer):
        _app, codes = enrol(officer)
        force_login_password_only(client, officer)
        assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
        assert client.get("/g/utrecht/").status_code == 200
        assert StaticToken.objects.filter(device__user=officer).count() == 9
        force_login_password_only(client, officer)
        assert client.post(VERIFY, {"code": codes[0]}).status_code == 200
        assert client.get("/g/utrecht/").status_code == 302
        unthrottle(officer)
        assert client.post(VERIFY, {"code": codes[1]}).status_code == 302

    def test_new_recovery_codes_replace_the_old(self, client, municipality, officer):
        _app, old = enrol(officer)
        new = recovery_codes_regenerate(user=officer)
        assert len(new) == 10 and not set(old) & set(new)
        force_login_password_only(client, officer)
        assert client.post(VERIFY, {"code": old[0]}).status_code == 200
        unthrottle(officer)
        assert client.post(VERIFY, {"code": new[0]}).status_code == 302

    def test_the_security_page_shows_codes_left_and_makes_new_ones(
        self, client, municipality, officer
    ):
        _app, codes = enrol(officer)
        client.force_login(officer)
        assert (
            "nog 10 ongebruikte herstelcodes"
            in client.get("/accounts/beveiliging/").content.decode()
        )
        response = client.post("/accounts/beveiliging/herstelcodes/")
        fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
        assert len(fresh) == 10 and not set(fresh) & set(codes)

    def test_wrong_codes_are_throttled(self, client, municipality, officer):
        app, _codes = enrol(officer)
        force_login_password_only(client, officer)
        wrong = "000000" if app.now() != "000000" else "111111"
        client.post(VERIFY, {"code": wrong})
        # Right after a failure the device refuses even the right code (django-otp throttling).
        assert client.post(VERIFY, {"code": app.now()}).status_code == 200
        assert TOTPDevice.objects.get(user=officer).throttling_failure_count == 1


@pytest.mark.django_db
class TestReset:
    def url(self, membership):
        return reverse(
            "accounts_team:two_factor_reset", args=[membership.municipality.slug, membership.pk]
        )

    def test_editor_resets_a_member_of_only_this_municipality(
        self, client, municipality, officer, django_capture_on_commit_callbacks
    ):
        member = MembershipFactory(municipality=municipality, role=Role.VIEWER)
        enrol(member.user)
        client.force_login(officer)
        page = client.get(reverse("accounts_team:two_factor", args=["utrecht"])).content.decode()
        assert self.url(member) in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(member))
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        assert not StaticDevice.objects.filter(user=member.user).exists()
        entry = AuditLogEntry.objects.get(event=AuditLogEntry.Event.TWO_FACTOR_RESET)
        assert (entry.municipality_id, entry.actor_id, entry.object_pk) == (
            municipality.pk,
            officer.pk,
            str(member.user.pk),
        )
        assert [m.to for m in mail.outbox] == [[member.user.email]]
        assert "gereset" in mail.outbox[0].subject

    def test_editor_cannot_reset_someone_who_also_works_elsewhere(
        self, client, municipality, other_municipality, officer
    ):
        member = MembershipFactory(municipality=municipality, role=Role.ADVISOR)
        MembershipFactory(user=member.user, municipality=other_municipality, role=Role.ADVISOR)
        enrol(member.user)
        client.force_login(officer)
        page = client.get(reverse("accounts_team:two_factor", args=["utrecht"])).content.decode()
        assert self.url(member) not in page
        response = client.post(self.url(member), follow=True)
        assert "alleen het platformbeheer" in response.content.decode()
        assert TOTPDevice.objects.filter(user=member.user).exists()
        assert not AuditLogEntry.objects.filter(event=AuditLogEntry.Event.TWO_FACTOR_RESET).exists()
        assert mail.outbox == []

    def test_editor_cannot_reset_staff_and_viewers_cannot_reset(
        self, client, municipality, officer, member_factory
    ):
        staff_member = MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user=UserFactory(is_staff=True)
        )
        enrol(staff_member.user)
        client.force_login(officer)
        client.post(self.url(staff_member))
        assert TOTPDevice.objects.filter(user=staff_member.user).exists()
        viewer = member_factory(municipality, Role.VIEWER)
        other = MembershipFactory(municipality=municipality, role=Role.VIEWER)
        enrol(other.user)
        client.force_login(viewer)
        assert client.post(self.url(other)).status_code == 403
        assert TOTPDevice.objects.filter(user=other.user).exists()

    def test_another_municipality_gets_404(self, client, municipality, other_municipality, officer):
        member = MembershipFactory(municipality=other_municipality, role=Role.VIEWER)
        enrol(member.user)
        client.force_login(officer)
        url = reverse("accounts_team:two_factor_reset", args=["utrecht", member.pk])
        assert client.post(url).status_code == 404
        assert TOTPDevice.objects.filter(user=member.user).exists()

    def test_staff_reset_anyone_in_the_admin(
        self, admin_client, municipality, other_municipality, django_capture_on_commit_callbacks
    ):
        member = MembershipFactory(municipality=municipality, role=Role.ADVISOR)
        MembershipFactory(user=member.user, municipality=other_municipality, role=Role.ADVISOR)
        enrol(member.user)
        device = TOTPDevice.objects.get(user=member.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:otp_totp_totpdevice_changelist"),
                {"action": "reset_two_factor", "_selected_action": [device.pk]},
            )
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=member.user).exists()
        entries = AuditLogEntry.objects.filter(event=AuditLogEntry.Event.TWO_FACTOR_RESET)
        assert sorted(e.municipality_id for e in entries) == sorted(
            [municipality.pk, other_municipality.pk]
        )
        assert [m.to for m in mail.outbox] == [[member.user.email]]

    def test_the_team_page_needs_no_query_per_member(
        self, client, municipality, officer, django_assert_max_num_queries
    ):
        client.force_login(officer)
        url = reverse("accounts_team:two_factor", args=["utrecht"])
        client.get(url)
        for _ in range(5):
            enrol(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
class TestDemo:
    def test_seeded_demo_accounts_are_enrolled_and_printed(self, capsys):
        from django.core.management import call_command

        call_command("seed_demo", "--force")
        out = capsys.readouterr().out
        device = TOTPDevice.objects.get(user__email="beleid@utrecht.demo")
        assert "beleid@utrecht.demo" in out and secret_of(device.key) in out
        assert not TOTPDevice.objects.filter(user__email="wethouder@utrecht.demo").exists()

        with override_settings(DEBUG=True):
            call_command("demo_totp", "beleid@utrecht.demo")
        code = capsys.readouterr().out.strip()
        assert pyotp.TOTP(secret_of(device.key)).verify(code, valid_window=1)

    def test_demo_totp_refuses_without_debug_or_for_real_accounts(self, officer):
        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="DEBUG=true"):
            call_command("demo_totp", "beleid@utrecht.demo")
        enrol(officer)
        with override_settings(DEBUG=True), pytest.raises(CommandError, match="geen demo-account"):
            call_command("demo_totp", officer.email)


def test_unknown_roles_in_the_setting_fail_at_start_up(settings):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    settings.TWO_FACTOR_REQUIRED_ROLES = ["policy_officer", "beleid"]
    with pytest.raises(ImproperlyConfigured, match="unknown roles: beleid"):
        apps.get_app_config("accounts").ready()
