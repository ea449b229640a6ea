"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit, started once per
run on 127.0.0.1 by the ``oidc_provider_url`` fixture): the authorization code flow with PKCE,
RS256 ID tokens checked against the provider's JWKS, and RP-initiated logout. Nothing is mocked:
the platform fetches discovery, JWKS and the token over HTTP like in production."""

from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import OIDCIdentity
from municipalities.models import AuditLogEntry, Membership, Role
from municipalities.services import invitation_create
from tests.accounts.oidc_provider.fixture import (
    provider_authorize,
    provider_create,
    provider_session,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(oidc_provider_url, municipality):
    return provider_create(oidc_provider_url, municipalities=[municipality])


def start(client, email: str, next_url: str = "/") -> str:
    """The e-mail step and the start of the flow; returns the provider's authorize URL."""
    response = client.post(reverse("login") + f"?next={next_url}", {"username": email})
    assert response.status_code == 302 and "/accounts/sso/gemeente/" in response.url
    response = client.get(response.url)
    assert response.status_code == 302
    return response.url


def callback_path(location: str) -> str:
    parsed = urlparse(location)
    assert parsed.netloc == "testserver", location
    return f"{parsed.path}?{parsed.query}"


def sign_on(client, base: str, email: str, next_url: str = "/"):
    authorize = start(client, email, next_url)
    back = provider_authorize(provider_session(base, email), authorize)
    return client.get(callback_path(back))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def refusals():
    return AuditLogEntry.objects.filter(event=AuditLogEntry.Event.LOGIN_FAILED)


class TestAuthorizeRequest:
    def test_it_uses_the_code_flow_with_pkce_state_and_nonce(self, client, provider):
        query = parse_qs(urlparse(start(client, "fatima@utrecht.nl")).query)
        assert query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
        assert query["state"][0] and query["nonce"][0]
        assert query["scope"] == ["openid email profile"]
        assert query["login_hint"] == ["fatima@utrecht.nl"]


class TestFirstSignOn:
    def test_it_links_the_existing_account_with_a_verified_address(
        self, client, provider, municipality, oidc_provider_url, django_capture_on_commit_callbacks
    ):
        user = MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user__email="fatima@utrecht.nl"
        ).user

        with django_capture_on_commit_callbacks(execute=True):
            response = sign_on(client, oidc_provider_url, "fatima@utrecht.nl", "/g/utrecht/")

        assert response.status_code == 302 and response.url == "/g/utrecht/"
        assert signed_in_as(client) == str(user.pk)
        identity = OIDCIdentity.objects.get(user=user)
        assert identity.provider == provider
        assert client.get("/g/utrecht/").status_code == 200
        assert [m.subject for m in mail.outbox] == [
            "NPO-platform: inloggen via je organisatie gekoppeld"
        ]
        assert "Gemeente Utrecht" in mail.outbox[0].body
        linked = AuditLogEntry.objects.get(event=AuditLogEntry.Event.LOGIN, changes__isnull=False)
        assert linked.municipality == municipality
        assert linked.changes == {"sso_gekoppeld": [None, "Gemeente Utrecht"]}

    def test_a_second_sign_on_uses_the_link_and_sends_no_mail(
        self, client, provider, municipality, oidc_provider_url, django_capture_on_commit_callbacks
    ):
        MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user__email="fatima@utrecht.nl"
        )
        with django_capture_on_commit_callbacks(execute=True):
            sign_on(client, oidc_provider_url, "fatima@utrecht.nl")
        client.post(reverse("logout"))
        assert len(mail.outbox) == 1
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            sign_on(client, oidc_provider_url, "fatima@utrecht.nl")

        assert signed_in_as(client)
        assert OIDCIdentity.objects.count() == 1 and mail.outbox == []

    def test_it_accepts_a_pending_invitation_to_a_municipality_it_serves(
        self, client, provider, municipality, officer, oidc_provider_url
    ):
        invitation_create(
            municipality=municipality,
            email="nieuw@utrecht.nl",
            role=Role.VIEWER,
            invited_by=officer,
            site_url="http://testserver",
        )

        sign_on(client, oidc_provider_url, "nieuw@utrecht.nl")

        membership = Membership.objects.get(user__email="nieuw@utrecht.nl")
        assert membership.role == Role.VIEWER and membership.municipality == municipality
        assert not membership.user.has_usable_password()
        assert signed_in_as(client) == str(membership.user.pk)

    def test_a_provider_that_serves_no_municipality_accepts_no_invitation(
        self, client, oidc_provider_url, municipality, officer
    ):
        provider_create(oidc_provider_url, name="Adviesbureau")
        invitation_create(
            municipality=municipality,
            email="nieuw@utrecht.nl",
            role=Role.VIEWER,
            invited_by=officer,
            site_url="http://testserver",
        )

        response = sign_on(client, oidc_provider_url, "nieuw@utrecht.nl")

        assert response.status_code == 200 and not signed_in_as(client)
        assert not Membership.objects.filter(user__email="nieuw@utrecht.nl").exists()


class TestRefusals:
    def test_an_unknown_address_is_refused_and_audited(self, client, provider, oidc_provider_url):
        response = sign_on(client, oidc_provider_url, "onbekend@utrecht.nl")

        assert response.status_code == 200 and not signed_in_as(client)
        assert "geen account en geen openstaande uitnodiging" in response.content.decode()
        entry = refusals().get()
        assert entry.object_repr == "onbekend@utrecht.nl"
        assert entry.changes == {"sso_geweigerd": ["Gemeente Utrecht", "unknown"]}

    def test_an_unverified_address_is_not_linked(self, client, provider, oidc_provider_url):
        UserFactory(email="ongeverifieerd@utrecht.nl")

        response = sign_on(client, oidc_provider_url, "ongeverifieerd@utrecht.nl")

        assert response.status_code == 200 and not signed_in_as(client)
        assert "bevestigt niet" in response.content.decode()
        assert not OIDCIdentity.objects.exists()
        assert refusals().get().changes["sso_geweigerd"][1] == "unverified"

    def test_an_address_outside_the_providers_domains_is_not_linked(
        self, client, provider, oidc_provider_url
    ):
        # The provider vouches for iemand@elders.nl, but elders.nl is not one of its domains.
        UserFactory(email="iemand@elders.nl")
        authorize = start(client, "fatima@utrecht.nl")
        back = provider_authorize(
            provider_session(oidc_provider_url, "iemand@elders.nl"), authorize
        )

        response = client.get(callback_path(back))

        assert response.status_code == 200 and not signed_in_as(client)
        assert "hoort niet bij een domein" in response.content.decode()
        assert refusals().get().changes["sso_geweigerd"][1] == "domain"

    def test_a_tampered_state_is_refused(self, client, provider, oidc_provider_url):
        UserFactory(email="fatima@utrecht.nl")
        authorize = start(client, "fatima@utrecht.nl")
        back = urlparse(
            provider_authorize(provider_session(oidc_provider_url, "fatima@utrecht.nl"), authorize)
        )
        query = parse_qs(back.query)
        query["state"] = [query["state"][0][:-2] + "xx"]

        response = client.get(f"{back.path}?{urlencode(query, doseq=True)}")

        assert response.status_code == 200 and not signed_in_as(client)
        assert refusals().get().changes["sso_geweigerd"][1] == "protocol"

    def test_a_replayed_nonce_is_refused(self, client, provider, oidc_provider_url):
        """An ID token carrying the nonce of an earlier flow is not accepted for a new one."""
        UserFactory(email="fatima@utrecht.nl")
        first = parse_qs(urlparse(start(client, "fatima@utrecht.nl")).query)
        second = urlparse(start(client, "fatima@utrecht.nl"))
        query = parse_qs(second.query)
        query["nonce"] = first["nonce"]
        replayed = urlunparse(second._replace(query=urlencode(query, doseq=True)))
        back = provider_authorize(
            provider_session(oidc_provider_url, "fatima@utrecht.nl"), replayed
        )

        response = client.get(callback_path(back))

        assert response.status_code == 200 and not signed_in_as(client)
        assert refusals().get().changes["sso_geweigerd"][1] == "protocol"

    def test_a_callback_used_twice_signs_in_once(
        self, client, provider, municipality, oidc_provider_url
    ):
        MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user__email="fatima@utrecht.nl"
        )
        authorize = start(client, "fatima@utrecht.nl")
        back = callback_path(
            provider_authorize(provider_session(oidc_provider_url, "fatima@utrecht.nl"), authorize)
        )
        assert client.get(back).status_code == 302
        client.post(reverse("logout"))

        assert client.get(back).status_code == 200
        assert not signed_in_as(client)

    @pytest.mark.parametrize("email", ["verlopen@utrecht.nl", "anderepartij@utrecht.nl"])
    def test_an_expired_token_or_one_for_another_client_is_refused(
        self, client, provider, oidc_provider_url, email
    ):
        UserFactory(email=email)

        response = sign_on(client, oidc_provider_url, email)

        assert response.status_code == 200 and not signed_in_as(client)
        assert not OIDCIdentity.objects.exists()


class TestSecondFactor:
    def test_a_policy_officer_without_mfa_at_the_provider_still_gives_the_local_code(
        self, client, provider, municipality, oidc_provider_url
    ):
        MembershipFactory(
            municipality=municipality, role=Role.POLICY_OFFICER, user__email="fatima@utrecht.nl"
        )

        response = sign_on(client, oidc_provider_url, "fatima@utrecht.nl", "/g/utrecht/")

        assert response.url.startswith("/accounts/tweestapsverificatie/")
        assert client.get("/g/utrecht/").status_code == 302

    def test_amr_mfa_counts_as_the_second_factor(
        self, client, provider, municipality, oidc_provider_url
    ):
        MembershipFactory(
            municipality=municipality, role=Role.POLICY_OFFICER, user__email="mfa@utrecht.nl"
        )

        response = sign_on(client, oidc_provider_url, "mfa@utrecht.nl", "/g/utrecht/")

        assert response.url == "/g/utrecht/"
        assert client.get("/g/utrecht/").status_code == 200

    def test_amr_counts_only_when_configured(
        self, client, provider, municipality, oidc_provider_url
    ):
        provider.mfa_amr_values = ""
        provider.save()
        MembershipFactory(
            municipality=municipality, role=Role.POLICY_OFFICER, user__email="mfa@utrecht.nl"
        )

        response = sign_on(client, oidc_provider_url, "mfa@utrecht.nl", "/g/utrecht/")

        assert response.url.startswith("/accounts/tweestapsverificatie/")


class TestLogout:
    def test_logout_ends_the_session_at_the_provider_too(
        self, client, provider, municipality, oidc_provider_url
    ):
        MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user__email="fatima@utrecht.nl"
        )
        at_provider = provider_session(oidc_provider_url, "fatima@utrecht.nl")
        back = provider_authorize(at_provider, start(client, "fatima@utrecht.nl"))
        client.get(callback_path(back))

        response = client.post(reverse("logout"))

        assert not signed_in_as(client)
        end_session = urlparse(response.url)
        assert f"{end_session.scheme}://{end_session.netloc}" == oidc_provider_url
        query = parse_qs(end_session.query)
        assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
        assert query["id_token_hint"][0].count(".") == 2
        ended = at_provider.get(response.url, allow_redirects=False, timeout=10)
        assert ended.status_code == 302
        assert ended.headers["Location"].startswith("http://testserver/accounts/login/")
        # Signed out at the provider: a new authorize asks for the provider's login again.
        again = at_provider.get(
            start(client, "fatima@utrecht.nl"), allow_redirects=False, timeout=10
        )
        assert "/login/" in again.headers["Location"]

    def test_a_password_session_logs_out_locally(self, client, officer):
        client.force_login(officer)
        response = client.post(reverse("logout"))
        assert response.url == reverse("login")


class TestEmailFirstLogin:
    def test_without_a_provider_the_next_step_asks_the_password_and_reveals_nothing(
        self, client, officer
    ):
        known = client.post(reverse("login"), {"username": officer.email})
        unknown = client.post(reverse("login"), {"username": "niemand@example.nl"})

        for response, email in ((known, officer.email), (unknown, "niemand@example.nl")):
            body = response.content.decode()
            assert response.status_code == 200
            assert 'autocomplete="username"' in body and f'value="{email}"' in body
            assert 'autocomplete="current-password"' in body

        def strip(body: str, email: str) -> str:
            import re

            # The CSRF token and the CSP nonce differ per response; nothing else may.
            body = re.sub(r"[A-Za-z0-9]{64}", "", body)
            body = re.sub(r'nonce="[^"]+"', "", body)
            return body.replace(email, "")

        assert strip(known.content.decode(), officer.email) == strip(
            unknown.content.decode(), "niemand@example.nl"
        )

    def test_a_domain_with_a_provider_goes_there_whether_or_not_an_account_exists(
        self, client, provider
    ):
        for email in ("fatima@utrecht.nl", "niemand@UTRECHT.nl"):
            response = client.post(reverse("login"), {"username": email})
            assert response.status_code == 302 and response.url.startswith(
                "/accounts/sso/gemeente/"
            )

    def test_the_first_step_asks_only_the_address(self, client):
        body = client.get(reverse("login")).content.decode()
        assert 'autocomplete="username"' in body and 'type="password"' not in body

    def test_a_bad_address_gets_a_dutch_error(self, client):
        response = client.post(reverse("login"), {"username": "geen-adres"})
        assert "Vul een geldig e-mailadres in" in response.content.decode()

    def test_the_password_step_signs_in(self, client, officer):
        response = client.post(
            reverse("login"),
            {"username": officer.email, "password": "correct horse battery staple"},
        )
        assert response.status_code == 302 and signed_in_as(client) == str(officer.pk)


class TestContentSecurityPolicy:
    def test_forms_may_lead_to_the_provider(self, client, provider, oidc_provider_url):
        policy = client.get(reverse("login"))["Content-Security-Policy"]
        form_action = next(p for p in policy.split(";") if "form-action" in p)
        assert form_action.split() == ["form-action", "'self'", oidc_provider_url]

    def test_without_a_provider_forms_stay_on_this_site(self, client):
        policy = client.get(reverse("login"))["Content-Security-Policy"]
        assert "form-action 'self';" in policy or policy.endswith("form-action 'self'")

    def test_a_signed_on_sessions_pages_let_the_logout_form_reach_the_provider(
        self, client, provider, municipality, oidc_provider_url
    ):
        MembershipFactory(
            municipality=municipality, role=Role.VIEWER, user__email="fatima@utrecht.nl"
        )
        sign_on(client, oidc_provider_url, "fatima@utrecht.nl")

        policy = client.get("/g/utrecht/")["Content-Security-Policy"]

        assert f"form-action 'self' {oidc_provider_url}" in policy

    def test_a_password_sessions_pages_do_not(self, client, officer, provider):
        client.force_login(officer)
        policy = client.get("/g/utrecht/")["Content-Security-Policy"]
        assert "form-action 'self';" in policy


def test_a_provider_without_end_session_is_left_alone_at_logout(oidc_provider_url):
    import time

    from accounts import sso

    provider = provider_create(oidc_provider_url, slug="zonder-logout")
    sso.client_for(provider).server_metadata = {
        "_loaded_at": time.time(),
        "issuer": provider.issuer,
    }

    assert sso.logout_url(provider_id=provider.pk, id_token="a.b.c", return_to="http://x/") is None
