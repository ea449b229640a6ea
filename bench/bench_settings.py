"""Production settings for the load benchmark on loopback.

Everything is ``npo_platform.settings`` with DEBUG off; only what plain-HTTP loopback needs is
changed (no TLS here, so cookies cannot be Secure-only and nothing redirects to https), plus a URL
conf that adds the minimal reference view.
"""

from npo_platform.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "bench_urls"
