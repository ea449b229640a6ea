"""Start the local OpenID Connect provider: ``python -m tests.accounts.oidc_provider.serve``.

Creates its SQLite database, the users of users.py, an RSA key and one confidential client with
the platform's callback and logout URLs (loopback: any port), then serves on 127.0.0.1 at a free
port and prints ``READY http://127.0.0.1:<port>`` once it answers."""

import os
import sys
import tempfile
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    folder = os.environ.get("OIDC_PROVIDER_DIR") or tempfile.mkdtemp(prefix="oidc-provider-")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["OIDC_PROVIDER_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["OIDC_PROVIDER_DB"] = os.path.join(folder, "provider.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.accounts.oidc_provider.users import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERS

    call_command("migrate", verbosity=0, interactive=False)
    for username in USERS:
        User.objects.create_user(username=username, email=username, password=PASSWORD)
    # testserver: Django's test client; 127.0.0.1 and localhost: the browser tests' live server
    # (loopback addresses match on any port).
    hosts = ("testserver", "127.0.0.1", "localhost")
    callbacks = [f"http://{host}/accounts/sso/gemeente/terug/" for host in hosts]
    logout_to = [f"http://{host}/accounts/login/" for host in hosts]
    Application.objects.create(
        name="NPO-platform (test)",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=" ".join(callbacks),
        post_logout_redirect_uris=" ".join(logout_to),
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"READY http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
