import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import UserSettings
from core.models import MailLog
from municipalities.models import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_by_email_is_case_insensitive(client):
    user = UserFactory(email="fatima@utrecht.nl")
    response = login(client, "Fatima@Utrecht.NL")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_a_dutch_error(client):
    UserFactory(email="fatima@utrecht.nl")
    response = login(client, "fatima@utrecht.nl", "wrong")
    assert response.status_code == 200
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_lock_the_account(client, settings):
    UserFactory(email="fatima@utrecht.nl")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "fatima@utrecht.nl", "wrong")
    response = login(client, "fatima@utrecht.nl")  # right password, but locked now
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_dutch_mail(client, django_capture_on_commit_callbacks):
    UserFactory(email="fatima@utrecht.nl")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "fatima@utrecht.nl"})
        # Queued in the request's transaction, sent only after the commit (core.mail).
        assert mail.outbox == []
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nieuw wachtwoord voor NPO-platform"
    assert "/accounts/reset/" in mail.outbox[0].body
    # HTML and plain text, logged like every other mail.
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"
    log = MailLog.objects.get(kind="password_reset")
    assert (log.to, log.status) == ("fatima@utrecht.nl", MailLog.Status.SENT)


def test_password_reset_mail_in_the_users_language(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="sam@utrecht.nl")
    UserSettings.objects.create(user=user, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "sam@utrecht.nl"})
    assert len(mail.outbox) == 1
    assert "NPO-platform" in mail.outbox[0].subject
    assert "wachtwoord" not in mail.outbox[0].subject.lower()


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "een-nieuw-lang-wachtwoord",
            "new_password2": "een-nieuw-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-nieuw-lang-wachtwoord")


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_with_one_membership_lands_on_the_dashboard(client):
    membership = MembershipFactory(role=Role.POLICY_OFFICER)
    client.force_login(membership.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"/g/{membership.municipality.slug}/"


def test_user_with_several_memberships_sees_my_municipalities(client):
    user = UserFactory()
    a = MunicipalityFactory(name="Utrecht", slug="utrecht")
    b = MunicipalityFactory(name="Zwolle", slug="zwolle")
    MembershipFactory(user=user, municipality=a, role=Role.ADVISOR)
    MembershipFactory(user=user, municipality=b, role=Role.ADVISOR)
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "Mijn gemeenten" in body
    assert "/g/utrecht/" in body and "/g/zwolle/" in body
    # The switcher in the header shows on the municipality pages too.
    body = client.get("/g/utrecht/").content.decode()
    assert "Wissel van gemeente" in body and "/g/zwolle/" in body


def test_user_without_membership_sees_a_clear_message(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "Je hebt nog geen toegang tot een gemeente." in response.content.decode()
