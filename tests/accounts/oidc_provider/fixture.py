"""The session-scoped fixture that starts the local OpenID Connect provider once per test run
(a second process: django-oauth-toolkit on 127.0.0.1, a few seconds to start) and helpers to
sign in at it the way a browser would."""

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.accounts.oidc_provider.users import CLIENT_ID, CLIENT_SECRET, PASSWORD

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def oidc_provider_url(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Its SQLite database goes where pytest keeps (and later removes) temporary files.
    env["OIDC_PROVIDER_DIR"] = str(tmp_path_factory.mktemp("oidc-provider"))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    if not line or not line[0].startswith("READY "):
        process.kill()
        pytest.fail(f"the local OIDC provider did not start: {line!r}")
    try:
        yield line[0].split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def provider_create(issuer_base: str, *, slug="gemeente", domains="utrecht.nl", **extra):
    from accounts.models import OIDCProvider

    municipalities = extra.pop("municipalities", [])
    provider = OIDCProvider.objects.create(
        name=extra.pop("name", "Gemeente Utrecht"),
        slug=slug,
        issuer=f"{issuer_base}/o",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains=domains,
        **extra,
    )
    provider.municipalities.set(municipalities)
    return provider


def provider_session(base: str, username: str) -> requests.Session:
    """A browser session signed in at the provider as ``username``."""
    session = requests.Session()
    login = urljoin(base, "/login/")
    session.get(login, timeout=10).raise_for_status()
    response = session.post(
        login,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/o/",
        },
        headers={"Referer": login},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def provider_authorize(session: requests.Session, authorize_url: str) -> str:
    """Follow the authorize URL at the provider; returns where it sends the browser back."""
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]
