"""Sessions: the user's list of active sessions, ending them, the absolute lifetime, last activity
written once per interval, and the changes that end the user's other sessions."""

import time

import pyotp
import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.demo import secret_of
from accounts.models import UserSession
from accounts.services import totp_enrol_start, two_factor_reset
from accounts.sessions import LOGIN_AT_KEY, TOUCHED_KEY
from municipalities.models import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = "/accounts/sessies/"


def password_login(user, agent="Firefox op Linux") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def viewer(municipality):
    # A viewer needs no second factor: the password alone signs in.
    return MembershipFactory(municipality=municipality, role=Role.VIEWER).user


class TestSessionList:
    def test_it_lists_the_users_live_sessions_and_marks_this_one(self, viewer):
        laptop = password_login(viewer, "Firefox op Linux")
        password_login(viewer, "Safari op iPhone")
        someone_else = password_login(UserFactory(), "Edge van iemand anders")

        body = laptop.get(SESSIONS).content.decode()

        assert "Firefox op Linux" in body and "Safari op iPhone" in body
        assert "Edge van iemand anders" not in body
        assert body.count("Deze sessie") == 1
        assert signed_in(someone_else)

    def test_an_expired_or_deleted_session_is_not_listed(self, viewer):
        laptop = password_login(viewer)
        phone = password_login(viewer, "Safari op iPhone")
        Session.objects.filter(session_key=phone.session.session_key).delete()

        assert "Safari op iPhone" not in laptop.get(SESSIONS).content.decode()

    def test_the_list_costs_the_same_queries_for_more_sessions(self, viewer):
        laptop = password_login(viewer)
        laptop.get(SESSIONS)
        with CaptureQueriesContext(connection) as one:
            laptop.get(SESSIONS)
        for n in range(4):
            password_login(viewer, f"Browser {n}")
        with CaptureQueriesContext(connection) as five:
            assert laptop.get(SESSIONS).content.decode().count("Beëindigen") == 4
        assert len(five) == len(one)

    def test_ending_a_session_signs_that_browser_out(self, viewer):
        laptop = password_login(viewer)
        phone = password_login(viewer, "Safari op iPhone")
        record = UserSession.objects.get(session_key=phone.session.session_key)

        response = laptop.post(reverse("accounts:session_end", args=[record.pk]), follow=True)

        assert "De sessie is beëindigd." in response.content.decode()
        assert phone.get("/").status_code == 302 and not signed_in(phone)
        assert signed_in(laptop)

    def test_nobody_ends_another_users_session(self, viewer):
        other = password_login(UserFactory())
        record = UserSession.objects.get(session_key=other.session.session_key)
        laptop = password_login(viewer)

        laptop.post(reverse("accounts:session_end", args=[record.pk]))

        assert signed_in(other) and UserSession.objects.filter(pk=record.pk).exists()

    def test_end_all_others_keeps_this_one(self, viewer):
        laptop = password_login(viewer)
        phones = [password_login(viewer, f"Telefoon {n}") for n in range(2)]

        laptop.post(reverse("accounts:sessions_end_others"))

        assert signed_in(laptop)
        assert laptop.get(SESSIONS).status_code == 200
        for phone in phones:
            phone.get("/")
            assert not signed_in(phone)

    def test_logout_removes_the_row(self, viewer):
        laptop = password_login(viewer)
        laptop.post(reverse("logout"))
        assert not UserSession.objects.filter(user=viewer).exists()


class TestLifetime:
    @override_settings(SESSION_ABSOLUTE_LIFETIME=8 * 60 * 60)
    def test_a_session_ends_after_the_absolute_lifetime_however_active(self, viewer, municipality):
        laptop = password_login(viewer)
        session = laptop.session
        session[LOGIN_AT_KEY] = int(time.time()) - 8 * 60 * 60 - 1
        session.save()

        response = laptop.get(f"/g/{municipality.slug}/")

        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert not signed_in(laptop)

    @override_settings(SESSION_ABSOLUTE_LIFETIME=8 * 60 * 60)
    def test_a_session_within_its_lifetime_goes_on(self, viewer, municipality):
        laptop = password_login(viewer)
        session = laptop.session
        session[LOGIN_AT_KEY] = int(time.time()) - 7 * 60 * 60
        session.save()

        assert laptop.get(f"/g/{municipality.slug}/").status_code == 200

    @override_settings(SESSION_TOUCH_INTERVAL=60)
    def test_last_activity_is_written_at_most_once_per_interval(self, viewer, municipality):
        laptop = password_login(viewer)
        record = UserSession.objects.get(user=viewer)
        page = f"/g/{municipality.slug}/"

        with CaptureQueriesContext(connection) as queries:
            laptop.get(page)
            laptop.get(page)
        writes = [q for q in queries if "accounts_usersession" in q["sql"]]
        assert writes == []

        session = laptop.session
        session[TOUCHED_KEY] = int(time.time()) - 61  # the interval has passed
        session.save()
        with CaptureQueriesContext(connection) as queries:
            laptop.get(page)
        writes = [q for q in queries if q["sql"].startswith("UPDATE") and "usersession" in q["sql"]]
        assert len(writes) == 1
        record.refresh_from_db()
        assert UserSession.objects.get(pk=record.pk).last_activity_at >= record.created_at


class TestChangesEndOtherSessions:
    def test_a_password_change_ends_the_others_and_mails(
        self, viewer, django_capture_on_commit_callbacks
    ):
        laptop = password_login(viewer)
        phone = password_login(viewer, "Safari op iPhone")
        new = "een heel ander wachtwoord 42"

        with django_capture_on_commit_callbacks(execute=True):
            response = laptop.post(
                reverse("password_change"),
                {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
            )

        assert response.status_code == 302
        assert signed_in(laptop) and laptop.get(SESSIONS).status_code == 200
        phone.get("/")
        assert not signed_in(phone)
        assert UserSession.objects.filter(user=viewer).count() == 1
        assert [m.subject for m in mail.outbox] == ["NPO-platform: je wachtwoord is gewijzigd"]
        assert mail.outbox[0].to == [viewer.email]

    def test_enrolling_the_second_factor_ends_the_others(self, viewer):
        laptop = password_login(viewer)
        phone = password_login(viewer, "Safari op iPhone")
        app = pyotp.TOTP(secret_of(totp_enrol_start(user=viewer).key))

        laptop.post(reverse("accounts:two_factor_setup"), {"code": app.now()})

        assert signed_in(laptop)
        phone.get("/")
        assert not signed_in(phone)

    def test_a_reset_of_the_second_factor_ends_all_the_users_sessions(self, viewer):
        phone = password_login(viewer, "Safari op iPhone")
        staff = UserFactory(is_staff=True)

        two_factor_reset(user=viewer, reset_by=staff)

        phone.get("/")
        assert not signed_in(phone)


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0",
            "Firefox op Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
            "Edge op Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
            "Safari op iPhone",
        ),
        ("curl/8.5.0", ""),
    ],
)
def test_the_list_names_browser_and_system(agent, shown):
    assert UserSession(user_agent=agent).browser == shown


def test_an_absolute_lifetime_shorter_than_the_idle_timeout_fails_at_start_up():
    from tests.test_settings_env import _import_settings

    result = _import_settings(
        DEBUG="true", SESSION_IDLE_TIMEOUT="7200", SESSION_ABSOLUTE_LIFETIME="3600"
    )
    assert result.returncode != 0
    assert "SESSION_ABSOLUTE_LIFETIME must be 0 (off) or at least SESSION_IDLE_TIMEOUT" in (
        result.stderr
    )
    assert _import_settings(DEBUG="true", SESSION_ABSOLUTE_LIFETIME="0").returncode == 0


def test_a_password_reset_ends_all_sessions_and_mails(viewer, django_capture_on_commit_callbacks):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    phone = password_login(viewer, "Safari op iPhone")
    viewer.refresh_from_db()  # the token covers last_login, which that login changed
    browser = Client()
    uid = urlsafe_base64_encode(force_bytes(viewer.pk))
    token = default_token_generator.make_token(viewer)
    form_url = browser.get(reverse("password_reset_confirm", args=[uid, token])).url
    new = "een heel ander wachtwoord 42"

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(form_url, {"new_password1": new, "new_password2": new})

    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    phone.get("/")
    assert not signed_in(phone)
    assert not UserSession.objects.filter(user=viewer).exists()
    assert [m.subject for m in mail.outbox] == ["NPO-platform: je wachtwoord is gewijzigd"]


def test_a_login_drops_the_rows_of_sessions_that_are_gone(viewer):
    phone = password_login(viewer, "Safari op iPhone")
    gone = UserSession.objects.get(session_key=phone.session.session_key)
    Session.objects.filter(session_key=gone.session_key).delete()  # expired and cleared

    password_login(viewer)

    assert not UserSession.objects.filter(pk=gone.pk).exists()
    assert UserSession.objects.filter(user=viewer).count() == 1
