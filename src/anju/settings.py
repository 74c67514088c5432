"""Django settings for anju.

Everything a deployment changes comes from the environment:
  ANJU_DATA_DIR      data folder (SQLite database, key file, uploads); default ~/.local/share/anju
  ANJU_DATABASE_URL  e.g. postgres://user:pass@host/db; default SQLite in the data folder
  ANJU_SECRET_KEY    Django secret key; default a key file created on first run in the data folder
  ANJU_FIELD_KEY     Fernet key(s) for personal data at rest, comma-separated (newest first);
                     default the key file field.key in the data folder (one key a line, newest first),
                     created while the database holds no encrypted value
  ANJU_DEBUG         "1" for development
  ANJU_ALLOWED_HOSTS comma-separated host names
  ANJU_S3_BUCKET     keep uploads and generated files in this S3-compatible bucket instead of the data
                     folder (ANJU_S3_ENDPOINT_URL, ANJU_S3_ACCESS_KEY…: core/object_storage.py)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import dj_database_url
import django
from csp.constants import NONE, SELF

from anju.core.keyfiles import data_dir, secret_from_file
from anju.core.object_storage import default_storage_from

# Everything anju writes (database, keys, uploads, backups) is owner-only.
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = os.environ.get("ANJU_SECRET_KEY") or secret_from_file(DATA_DIR / "secret.key", kind="django")
DEBUG = os.environ.get("ANJU_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ANJU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "anju.core",
    "anju.intake",
    "anju.matters",
    "anju.dashboard",
    "anju.screening",
    "anju.assessment",
    "anju.warning",
    "anju.emergency",
    "anju.cases",
    "anju.care",
    "anju.reports",
    "anju.triage",
]

MIDDLEWARE = [
    "anju.core.health.HealthCheckMiddleware",  # first: probes need no host check, session or sign-in
    "anju.core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "anju.core.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "anju.core.middleware.InputSafetyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anju.core.accounts.AccountPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "anju.core.context.navigation",
                "anju.core.context.notifications",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ANJU_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'anju.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the public form write while staff read; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A PostgreSQL streaming replica for read-heavy work (core/replica.py); the primary stays the default.
ANJU_READ_REPLICA = bool(os.environ.get("ANJU_DATABASE_REPLICA_URL"))
if ANJU_READ_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(os.environ["ANJU_DATABASE_REPLICA_URL"], conn_max_age=60)
    # tests run on one database: the replica alias mirrors the default's test database
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["anju.core.replica.ReadReplicaRouter"]

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords (OWASP ASVS 2.1): at least 12 characters, not a common password, not like the user's names.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("ANJU_PASSWORD_MIN_LENGTH", 12))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after this many failures an account, and separately an address, is
# locked for the cool-off time; administrators can unlock at once (/account/lockouts/).
AXES_FAILURE_LIMIT = int(os.environ.get("ANJU_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("ANJU_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
# Second factor (TOTP, django-otp): these roles must enrol before they can work; others may choose to.
ANJU_2FA_REQUIRED_ROLES = [
    r.strip()
    for r in os.environ.get("ANJU_2FA_REQUIRED_ROLES", "admin,leader,centre_staff").split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = "安居 anju"
# Sessions: idle timeout and absolute lifetime (anju.core.accounts.AccountPolicyMiddleware).
ANJU_SESSION_IDLE_MINUTES = int(os.environ.get("ANJU_SESSION_IDLE_MINUTES", 30))
ANJU_SESSION_ABSOLUTE_HOURS = int(os.environ.get("ANJU_SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = ANJU_SESSION_ABSOLUTE_HOURS * 3600

# Matters due within this many days (or overdue) are reminded to their responsible unit (anju deadline-tick).
ANJU_DEADLINE_REMINDER_DAYS = int(os.environ.get("ANJU_DEADLINE_REMINDER_DAYS", 3))
# Registered matters not graded (研判) after this many hours are reminded to the centre (anju deadline-tick).
ANJU_UNGRADED_REMINDER_HOURS = int(os.environ.get("ANJU_UNGRADED_REMINDER_HOURS", 24))
# A care plan (关爱计划) ends this many days after its matter is archived; need markers without an active plan
# are removed after it too (anju care-tick).
ANJU_CARE_AFTER_ARCHIVE_DAYS = int(os.environ.get("ANJU_CARE_AFTER_ARCHIVE_DAYS", 90))

# Notices beyond the app (docs/notifications.md): sent by `anju worker`, never from a request.
# E-mail uses Django's mail settings (MAILERS from Django 6.1, EMAIL_* before); the channel is offered only
# when a mail server is named.
_email = {
    "host": os.environ.get("ANJU_EMAIL_HOST", ""),
    "port": int(os.environ.get("ANJU_EMAIL_PORT", 25)),
    "username": os.environ.get("ANJU_EMAIL_USER", ""),
    "password": os.environ.get("ANJU_EMAIL_PASSWORD", ""),
    "use_tls": os.environ.get("ANJU_EMAIL_TLS", "") == "1",
    "use_ssl": os.environ.get("ANJU_EMAIL_SSL", "") == "1",
    "timeout": 20,
}
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": _email}}
else:  # pragma: no cover - Django 6.0
    EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER = _email["host"], _email["port"], _email["username"]
    EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL = (
        _email["password"],
        _email["use_tls"],
        _email["use_ssl"],
    )
    EMAIL_TIMEOUT = _email["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("ANJU_EMAIL_FROM", "anju@localhost")
ANJU_EMAIL_ENABLED = bool(_email["host"])
# The county's webhook(s): its SMS gateway or a 政务微信/钉钉 robot; nothing is posted when none is named.
ANJU_WEBHOOK_URLS = [u.strip() for u in os.environ.get("ANJU_WEBHOOK_URLS", "").split(",") if u.strip()]
ANJU_WEBHOOK_SECRET = os.environ.get("ANJU_WEBHOOK_SECRET", "")  # signs each post (HMAC-SHA256) when set
ANJU_WEBHOOK_TIMEOUT = float(os.environ.get("ANJU_WEBHOOK_TIMEOUT", 10))
# A failed delivery is tried again after 1, 2, 4 … times this many seconds, at most this many times.
ANJU_DELIVERY_RETRY_SECONDS = int(os.environ.get("ANJU_DELIVERY_RETRY_SECONDS", 60))
ANJU_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("ANJU_DELIVERY_MAX_ATTEMPTS", 6))
# Users who chose the daily digest get it from the worker once this local hour has come (0–23).
ANJU_DIGEST_HOUR = int(os.environ.get("ANJU_DIGEST_HOUR", 17))

# Long work started from a page runs in ``anju worker`` through Django's own task framework (django.tasks);
# anju's backend keeps the queue in the database as ``core.Job`` rows (core/jobs.py, docs/architecture.md).
TASKS = {"default": {"BACKEND": "anju.core.jobs.DatabaseJobBackend"}}
# For several workers on several hosts, a broker instead (docs/deployment.md): the Job rows stay the record,
# RQ on Redis/Valkey carries the jobs to the workers (core/jobs_rq.py; needs the `broker` extra: rq, redis).
ANJU_TASK_BROKER_URL = os.environ.get("ANJU_TASK_BROKER_URL", "")  # redis://… or unix:///…?db=1
if ANJU_TASK_BROKER_URL:
    TASKS = {
        "default": {
            "BACKEND": "anju.core.jobs_rq.RQJobBackend",
            "OPTIONS": {
                "url": ANJU_TASK_BROKER_URL,
                "queue": os.environ.get("ANJU_TASK_QUEUE", "anju"),
                # a worker silent for 3 heartbeats is taken as dead, and its running job as failed
                "heartbeat_seconds": int(os.environ.get("ANJU_WORKER_HEARTBEAT_SECONDS", 10)),
            },
        }
    }
ANJU_JOB_FILE_DAYS = int(os.environ.get("ANJU_JOB_FILE_DAYS", 7))  # then the worker deletes them
# The scheduled ticks (core/scheduler.py) run from every `anju worker`, once per installation; ANJU_SCHEDULER=0
# leaves them to cron. ANJU_SCHEDULE (JSON: a list of {name, argv, at[, weekday]}) replaces DEFAULT_SCHEDULE.
ANJU_SCHEDULER = os.environ.get("ANJU_SCHEDULER", "1") == "1"
ANJU_SCHEDULE = json.loads(os.environ["ANJU_SCHEDULE"]) if os.environ.get("ANJU_SCHEDULE") else None
# /readyz reports the job queue as lagging when its oldest queued job waited longer (it never fails readiness)
ANJU_READY_QUEUE_LAG_SECONDS = int(os.environ.get("ANJU_READY_QUEUE_LAG_SECONDS", 600))
ANJU_EXPORT_INLINE_LIMIT = int(os.environ.get("ANJU_EXPORT_INLINE_LIMIT", 2000))  # larger: a background job

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ANJU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
FORMAT_MODULE_PATH = ["anju.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders; an absent root only warns
MEDIA_ROOT = DATA_DIR / "uploads"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads and generated files: MEDIA_ROOT, or an S3-compatible bucket when ANJU_S3_BUCKET names one. They are
# served only by anju's permission-checking views, streamed from storage (never a bucket URL).
STORAGES = {
    "default": default_storage_from(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# HTTPS and reverse proxies ------------------------------------------------------------------------------
# ANJU_HTTPS=1 when users reach anju over https (directly or through a TLS-terminating proxy).
ANJU_HTTPS = os.environ.get("ANJU_HTTPS", "") == "1"
# Proxies whose X-Forwarded-For / X-Forwarded-Proto headers are believed (addresses or networks).
ANJU_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("ANJU_TRUSTED_PROXIES", "").split(",") if p.strip()]
# The address users type, e.g. https://anju.example.gov.cn: trusted for CSRF, used in links sent out.
ANJU_PUBLIC_URL = os.environ.get("ANJU_PUBLIC_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ANJU_CSRF_TRUSTED_ORIGINS", ANJU_PUBLIC_URL).split(",") if o.strip()
]
AXES_CLIENT_IP_CALLABLE = "anju.core.proxies.client_address"
if ANJU_TRUSTED_PROXIES:
    # the proxy says whether the user's connection was https
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if ANJU_HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("ANJU_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("ANJU_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("ANJU_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("ANJU_HSTS_PRELOAD", "1") == "1"
# health checks and the redirect itself must work on plain http from the proxy's own host
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp 4): only our own scripts and styles, no inline code or style
# attributes anywhere (tests/test_csp.py scans the templates); the TOTP QR is SVG markup, `data:` covers
# images drawn in the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "anju.core.errorpages.csrf_failure"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; kept default-safe
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024  # the fields of one request, files not counted
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Uploads hold personal data: owner-only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# One cache for all server processes (rate limits must be shared): the database by default, a Redis/Valkey
# server when ANJU_CACHE_URL names one (redis://host:6379/0, needs the redis package).
ANJU_CACHE_URL = os.environ.get("ANJU_CACHE_URL", "")
if ANJU_CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ANJU_CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "anju_cache"}}
# Sessions: in the database (default), or ANJU_SESSION_STORE=cache to read them from the cache server and
# write them through to the database (cached_db: a restarted cache server signs nobody out).
if os.environ.get("ANJU_SESSION_STORE", "db") == "cache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# anju's own settings -------------------------------------------------------------------------------
# Field keys from the environment (newest first); when unset, core/crypto.py reads the key file, which
# core/fieldkeys.py creates only while the database holds no encrypted value.
ANJU_FIELD_KEYS = [k.strip() for k in os.environ.get("ANJU_FIELD_KEY", "").split(",") if k.strip()]
ANJU_FIELD_KEY_FILE = DATA_DIR / "field.key"
ANJU_ATTACHMENT_MAX_BYTES = int(os.environ.get("ANJU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# An image may declare at most this many pixels (a small file can declare billions: a decompression bomb).
ANJU_IMAGE_MAX_PIXELS = int(os.environ.get("ANJU_IMAGE_MAX_PIXELS", 50_000_000))
# A whole request body, files included (10 attachments of the maximum size and the form): larger ones are
# refused by waitress and by InputSafetyMiddleware before anything is read.
ANJU_MAX_REQUEST_BYTES = int(
    os.environ.get("ANJU_MAX_REQUEST_BYTES", ANJU_ATTACHMENT_MAX_BYTES * 10 + 8 * 1024 * 1024)
)
ANJU_ATTACHMENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
# Public form: at most this many submissions per client address per hour.
ANJU_PUBLIC_SUBMIT_PER_HOUR = int(os.environ.get("ANJU_PUBLIC_SUBMIT_PER_HOUR", 10))
# Status lookups (/public/track): per client address, and per receipt code whoever asks, per hour.
ANJU_PUBLIC_TRACK_PER_HOUR = int(os.environ.get("ANJU_PUBLIC_TRACK_PER_HOUR", 60))
ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR = int(os.environ.get("ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR", 30))
# Open311 GeoReport v2 (/open311/v2/, docs/open311.md): the jurisdiction_id this server answers for (empty:
# any or none is accepted), how far from an area's centre a position outside every boundary may be placed
# there, and how many calls one API key may make per hour.
ANJU_OPEN311_JURISDICTION = os.environ.get("ANJU_OPEN311_JURISDICTION", "")
ANJU_OPEN311_NEAREST_KM = float(os.environ.get("ANJU_OPEN311_NEAREST_KM", 3))
ANJU_OPEN311_PER_HOUR = int(os.environ.get("ANJU_OPEN311_PER_HOUR", 600))
ANJU_RISK_MATRIX = os.environ.get("ANJU_RISK_MATRIX", "")  # path to a matrix file; default the packaged one
# A matter still without a risk level this many hours after registration is on the 待定级 queue.
ANJU_UNGRADED_HOURS = int(os.environ.get("ANJU_UNGRADED_HOURS", 24))
# 黑天鹅 is suggested for a first-of-its-kind matter only at this consequence or above (1–5 scale).
ANJU_BLACK_SWAN_MIN_CONSEQUENCE = int(os.environ.get("ANJU_BLACK_SWAN_MIN_CONSEQUENCE", 4))
ANJU_PAGE_SIZE = 25
# API tokens: how long a new one lasts unless its owner chooses less, and the longest anyone may choose.
ANJU_API_TOKEN_DAYS = int(os.environ.get("ANJU_API_TOKEN_DAYS", 90))
ANJU_API_TOKEN_MAX_DAYS = int(os.environ.get("ANJU_API_TOKEN_MAX_DAYS", 365))
# What a department officer (职能部门) sees inside their area: "unit" (matters assigned to their unit),
# "unit+domain" (also the matters of the risk domains their unit serves, Unit.domains) or "area" (all of it).
# They act only on their unit's matters whatever this says.
ANJU_DEPARTMENT_VISIBILITY = os.environ.get("ANJU_DEPARTMENT_VISIBILITY", "unit+domain")
# Whether department units (职能部门, e.g. 镇直单位) submit a monthly report of their own (信息报送), computed
# from the matters assigned to them, to the centre of their area: "1" (yes) or "0".
ANJU_UNIT_MONTHLY_REPORTS = os.environ.get("ANJU_UNIT_MONTHLY_REPORTS", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
