"""Settings for NPO-platform, read from the environment.

Defaults run locally without any service: SQLite in ``var/`` and Celery tasks executed in-process.
Production (DEBUG off) refuses to start without SECRET_KEY. See ``.env.example`` for every variable.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from npo_platform.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)
# With DEBUG: Django's English technical error pages instead of the Dutch ones (error_pages.py).
DEBUG_TECHNICAL_ERRORS = env_bool("DEBUG_TECHNICAL_ERRORS", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only DEBUG=true runs with a throw-away development key."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-when-DEBUG-is-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "npo_platform",
    "municipalities",
    "theming",
    "accounts",
    "schools",
    "cycles",
    "analyses",
    "budgets",
    "closeout",
    "reports",
    "portfolio",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: with DEBUG, the Dutch 400/404/500 pages instead of Django's technical ones.
    "npo_platform.error_pages.DutchErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "npo_platform.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Absolute session lifetime; the user's session list follows key changes and activity.
    "accounts.sessions.SessionActivityMiddleware",
    "npo_platform.middleware.SessionTouchMiddleware",
    # A password-only session of someone who needs a second factor reaches only that step.
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Forms may lead to the single sign-on providers (the login step, logout): form-action.
    "accounts.middleware.SignOnFormActionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Messages left by an htmx save go out of band into the page's live region.
    "npo_platform.htmx_messages.HtmxMessagesMiddleware",
    # A view that meets a dead database connection before any write is run once more.
    "npo_platform.db_retry.RetryOnDeadConnectionMiddleware",
    # A full or read-only media store: a Dutch 507 page; a missing media file: a Dutch 404.
    "npo_platform.storage_errors.StorageErrorMiddleware",
    # auditlog's middleware with an address that X-Forwarded-For cannot forge.
    "municipalities.middleware.AuditMiddleware",
    # Last, so that a locked-out login answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "npo_platform.urls"
WSGI_APPLICATION = "npo_platform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Django's {% url %} with its reverse lookups remembered (core/templatetags/url_memo.py).
            "builtins": ["core.templatetags.url_memo"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "municipalities.context_processors.tenancy",
                "portfolio.context_processors.portfolio",
                "theming.context_processors.theme",
            ],
        },
    }
]
# Every form widget gets its NL Design System (Utrecht) class there (core/forms.py).
FORM_RENDERER = "core.forms.UtrechtFormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Health checks: a connection kept from before a PostgreSQL restart is tested before a
    # request uses it (and replaced), instead of failing that request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    # PostgreSQL: parameters bound by the server, and a query run five times on a connection
    # becomes a prepared statement of it (psycopg's prepare_threshold), so the pages' fixed
    # queries skip parsing and planning. Django's default (client-side binding, nothing
    # prepared) sends every query as new SQL text: the dashboard's 17 queries, run alone with
    # psycopg on the bench data, take 4.3 ms so and 1.6 ms prepared. Turn it off
    # (DATABASE_SERVER_SIDE_BINDING=false) behind a pooler in transaction mode that cannot keep
    # prepared statements (PgBouncer before 1.21).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_SERVER_SIDE_BINDING", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # SQLite in WAL mode lets the dev server read while a background task writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "municipalities.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out accounts/IPs before credentials are checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Two-factor authentication (django-otp: TOTP app plus ten single-use recovery codes). Required
# for staff and for anyone with an active membership in one of these roles; optional for others.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", ["advisor", "policy_officer"])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "NPO-platform")
# Each wrong code doubles the wait before the next try (per device), on top of django-axes.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin never shows a device secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Failed-login throttling per account and per IP (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked account/IP may try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (sliding window; the older
# name SESSION_COOKIE_AGE is still read), and SESSION_ABSOLUTE_LIFETIME seconds after the login
# however active they are (accounts.sessions.SessionActivityMiddleware; 0 switches it off).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", env_int("SESSION_COOKIE_AGE", 60 * 60 * 2))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 60 * 60 * 12)
if SESSION_ABSOLUTE_LIFETIME and SESSION_ABSOLUTE_LIFETIME < SESSION_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_ABSOLUTE_LIFETIME must be 0 (off) or at least SESSION_IDLE_TIMEOUT."
    )
# Sliding expiry: npo_platform.middleware.SessionTouchMiddleware re-saves an active session at
# most once a minute (saving it on every request cost a database write per page view).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_INTERVAL = env_int("SESSION_TOUCH_INTERVAL", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security in production ------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# Health checks come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No inline scripts at all: only files from our own origin and nonce-tagged blocks.
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded documents are private: stored outside the web root and only served by views that
# check access. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "private")
STORAGES = {
    # FileSystemStorage that removes a partial file when the disk fills up or turns read-only.
    "default": {"BACKEND": "core.storage.CleanFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------
# Django 6.1 MAILERS (replaces EMAIL_BACKEND/EMAIL_HOST...). Development prints mail to the console;
# production sends it over SMTP (MAIL_HOST, MAIL_PORT, MAIL_USER, MAIL_PASSWORD, MAIL_USE_TLS).
MAIL_BACKEND = env_str("MAIL_BACKEND", "console" if DEBUG else "smtp")
if MAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("MAIL_HOST", "localhost"),
                "port": env_int("MAIL_PORT", 587),
                "username": env_str("MAIL_USER"),
                "password": env_str("MAIL_PASSWORD"),
                "use_tls": env_bool("MAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
elif MAIL_BACKEND == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured(f"MAIL_BACKEND must be 'console' or 'smtp', not {MAIL_BACKEND!r}.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NPO-platform <noreply@npo-platform.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every mail is a task (core.mail): a transient failure is retried with backoff (base, 2x, 4x, ...
# seconds) up to MAIL_MAX_ATTEMPTS attempts; the mail log keeps MAIL_LOG_DAYS days, without bodies.
MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5)
MAIL_LOG_DAYS = env_int("MAIL_LOG_DAYS", 90)
if MAIL_LOG_DAYS < 1 or MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MAIL_LOG_DAYS and MAIL_MAX_ATTEMPTS must be at least 1.")
# The address mails link to when no request is at hand (reminders and digests sent by beat).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but Redis down reads as a miss and skips writes (logged): every
            # cached thing can be computed again, so Redis down costs speed, not pages.
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs (rather than refusing) must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database only, also with Redis (issue 20). With cached_db every logged-in
# page answered 500 while Redis was down (Django writes the session cache outside any fallback),
# and a cache that failed open would, once Redis is back, revive a session ended meanwhile (a
# logout, a revoked session on the sessions page). The price is one primary-key query per request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Rendered heavy read pages are kept per user until the data they show changes
# (municipalities.pagecache). It needs a cache every process shares, so it is on with Redis;
# 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)
PAGE_CACHE_ALIAS = "default"

# --- Celery -----------------------------------------------------------------------------------
# Without a broker the same task code runs in-process (eagerly), so `make run` needs no services.
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", ("redis", "rediss", "amqp", "memory")) or REDIS_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint holds on to memory; recycle worker processes after a bounded number of tasks.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged message (acks_late) to another worker after this long. It must
    # exceed the longest task plus its wait (hard limit 180 s, a retry countdown up to 60 s), or a
    # job still running is delivered twice; a worker that died is noticed sooner by the job's lease
    # (reports.services.LEASE, 30 s) and the sweeper below, not by this timeout.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
    # A broker that is down must not hold a request: one quick retry, then fail (the outbox keeps
    # the task for the relay). Kombu's default retried for six seconds per send. The worker's own
    # connection loop passes its own retry settings (broker_connection_max_retries).
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
# Celery's Django fixup closes a worker's database connection before and after every task; a
# number here makes a worker process keep it for 2 x that many tasks, and each task then starts
# like a Django request (npo_platform.celery.task_connections_checked: CONN_MAX_AGE and the health
# check apply, so a PostgreSQL restart costs no task). 0 keeps Celery's default. A worker that
# sends mail message after message spends much of each task on a new PostgreSQL connection
# without it (bench/bench_reminders.py shows both).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100) or None
# The demo seeding builds its reports (gemeentefoto, plan, council letters, close-out outputs and
# Amersfoort's dossier). The test settings turn this off; tests that look at them turn it on.
DEMO_REPORTS = True
# Without a broker (make run) a report is built in a background thread of the web process, so the
# request answers at once and the page shows the progress; tests build inline.
REPORTS_BUILD_IN_THREAD = env_bool("REPORTS_BUILD_IN_THREAD", default=not CELERY_BROKER_URL)
# /healthz: a worker or beat heartbeat older than this counts as down (both beat every 30 s).
HEALTHZ_HEARTBEAT_MAX_AGE = env_int("HEALTHZ_HEARTBEAT_MAX_AGE", 120)
CELERY_BEAT_SCHEDULE: dict = {
    # Report jobs whose worker died (their lease ran out) are re-queued (or failed after a few
    # attempts) so the progress bar never spins forever: within a minute with a 30 s lease.
    "reports-sweep-stuck-jobs": {"task": "reports.sweep_stuck", "schedule": 30},
    # Tasks written to the outbox while the broker was down are sent once it is back.
    "core-outbox-relay": {"task": "core.outbox_relay", "schedule": 30},
    # Beat's and a worker's sign of life for /healthz.
    "core-heartbeat": {"task": "core.heartbeat", "schedule": 30},
    # Bulk-intake previews never confirmed hold a copy of schools' data: gone after a day.
    "analyses-sweep-intake-previews": {
        "task": "analyses.sweep_intake_previews",
        "schedule": 60 * 60,
    },
    # Mail whose task never reached the broker is sent; stuck sends are re-queued; old log pruned.
    "core-mail-relay": {"task": "core.mail_relay", "schedule": 60},
    # The daily pass: reminders, in-app notifications and digests (idempotent per recipient, kind
    # and day, so a second run the same day queues nothing). `manage.py send_reminders` runs it.
    "notifications-daily-pass": {
        "task": "notifications.daily_pass",
        "schedule": crontab(hour=env_int("REMINDERS_HOUR", 7), minute=0),
    },
    # The read log (who viewed what) is kept READ_LOG_DAYS days, then purged.
    "municipalities-purge-read-log": {
        "task": "municipalities.purge_read_log",
        "schedule": 60 * 60 * 6,
    },
}

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Product settings -------------------------------------------------------------------------
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# The read log (municipalities.readlog: who viewed which sensitive data) keeps this many days.
READ_LOG_DAYS = env_int("READ_LOG_DAYS", 365)
if READ_LOG_DAYS < 1:
    raise ImproperlyConfigured(f"READ_LOG_DAYS must be at least 1, not {READ_LOG_DAYS}.")
# Advisor portfolio: a cycle whose phase has not moved for this many weeks gets an alert.
PORTFOLIO_STALE_WEEKS = env_int("PORTFOLIO_STALE_WEEKS", 8)

# --- Audit trail (django-auditlog) -------------------------------------------------------------
# auditlog's log entry with a municipality column so each tenant's log can be filtered;
# every model with a `municipality` foreign key is registered in municipalities/audit.py.
AUDITLOG_LOGENTRY_MODEL = "municipalities.AuditLogEntry"
# With the log entry swapped, auditlog's own migrations would still create its unused
# auditlog_logentry table, whose foreign key to django_content_type makes PostgreSQL refuse the
# TRUNCATE that test flushes run. auditlog has no other models, so it needs no migrations.
MIGRATION_MODULES = {"auditlog": None}
