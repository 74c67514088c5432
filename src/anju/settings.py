"""Django settings for anju.

Everything a deployment changes comes from the environment:
  ANJU_DATA_DIR      data folder (SQLite database, key file, uploads); default ~/.local/share/anju
  ANJU_DATABASE_URL  e.g. postgres://user:pass@host/db; default SQLite in the data folder
  ANJU_SECRET_KEY    Django secret key; default a key file created on first run in the data folder
  ANJU_FIELD_KEY     Fernet key(s) for personal data at rest, comma-separated (newest first);
                     default a key file created on first run in the data folder
  ANJU_DEBUG         "1" for development
  ANJU_ALLOWED_HOSTS comma-separated host names
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from anju.core.keyfiles import data_dir, secret_from_file

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
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "anju.core",
    "anju.intake",
    "anju.matters",
]
# Capabilities built on the foundation register themselves here when present.
OPTIONAL_APPS = [
    "anju.dashboard",
    "anju.screening",
    "anju.assessment",
    "anju.warning",
    "anju.emergency",
    "anju.reports",
    "anju.triage",
]
for _app in OPTIONAL_APPS:
    if (BASE_DIR / _app.split(".")[1] / "apps.py").exists():
        INSTALLED_APPS.append(_app)

if "anju.screening" in INSTALLED_APPS:
    _optional_context_processors = ["anju.screening.context.notifications"]
else:
    _optional_context_processors = []

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                *_optional_context_processors,
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

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; kept default-safe
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "anju"}}

# anju's own settings -------------------------------------------------------------------------------
ANJU_FIELD_KEYS = [
    k.strip()
    for k in (
        os.environ.get("ANJU_FIELD_KEY") or secret_from_file(DATA_DIR / "field.key", kind="fernet")
    ).split(",")
    if k.strip()
]
ANJU_ATTACHMENT_MAX_BYTES = int(os.environ.get("ANJU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
ANJU_ATTACHMENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
# Public form: at most this many submissions per client address per hour.
ANJU_PUBLIC_SUBMIT_PER_HOUR = int(os.environ.get("ANJU_PUBLIC_SUBMIT_PER_HOUR", 10))
ANJU_RISK_MATRIX = os.environ.get("ANJU_RISK_MATRIX", "")  # path to a matrix file; default the packaged one
ANJU_PAGE_SIZE = 25
# What a department officer (职能部门) sees inside their area: "unit" (matters assigned to their unit),
# "unit+domain" (also the matters of the risk domains their unit serves, Unit.domains) or "area" (all of it).
# They act only on their unit's matters whatever this says.
ANJU_DEPARTMENT_VISIBILITY = os.environ.get("ANJU_DEPARTMENT_VISIBILITY", "unit+domain")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
