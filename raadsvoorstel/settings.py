"""Settings for Raadsvoorstel.

The quick start (`make run`) needs no configuration: an SQLite database under `var/`
and a development secret. Production sets the environment variables read below;
`DATABASE_URL` (postgres://user@host:port/name) selects PostgreSQL.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RAADSVOORSTEL_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - quick start only
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]


def database_from_url(url: str) -> dict:
    """Turn a DATABASE_URL into Django's DATABASES entry (PostgreSQL or SQLite only)."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
        }
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path)}
    raise ImproperlyConfigured(f"DATABASE_URL must be postgres:// or sqlite://, not {parts.scheme}://")


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "raadsvoorstel.sqlite3",
            # Concurrent writers wait for the lock instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

INSTALLED_APPS = [
    "raadsvoorstel",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The sitemap of the public pages (sitemaps.py); its template comes from the app.
    "django.contrib.sitemaps",
    # Full-text search (search.py) on PostgreSQL; harmless on SQLite, which does without.
    "django.contrib.postgres",
    "django_fsm_log",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "django_htmx",
    # The API (api.py); listed so that its docs page serves Swagger UI from our own static files.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "raadsvoorstel.urls"
WSGI_APPLICATION = "raadsvoorstel.wsgi.application"

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
                "raadsvoorstel.views.notices.unread_notices",
                "raadsvoorstel.views.start.waiting_work",
            ],
        },
    },
]

AUTH_USER_MODEL = "raadsvoorstel.User"

# Mail, for notices: by SMTP when EMAIL_HOST is set (with EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS=1), or through the backend DJANGO_EMAIL_BACKEND names
# (`make run` prints mail on the console). Without either, notices are only in the app.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": os.environ.get("EMAIL_USE_TLS", "1") == "1",
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "raadsvoorstel@localhost")
RAADSVOORSTEL_SEND_MAIL = bool(os.environ.get("EMAIL_HOST") or os.environ.get("DJANGO_EMAIL_BACKEND"))
# The address the app is reached at, for links in mail.
RAADSVOORSTEL_SITE_URL = os.environ.get("RAADSVOORSTEL_SITE_URL", "http://127.0.0.1:8000")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch for everyone: the interface's own texts are written in Dutch, and a browser
# asking for English would get Django's English beside them. The strings go through
# gettext, so a translation can be added with LocaleMiddleware when one exists.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The state of a proposal lives in django-fsm-log's StateLog; field history for
# the text comes from django-simple-history. History is only ever added to: the admin
# offers no "revert", which would write around the actions.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

# Background work (raadsvoorstel/tasks.py): Django's tasks framework, queued in the database
# by django-tasks-db and run by `manage.py db_worker` (which `make run` starts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# PAdES seals on archived raadsbesluiten (raadsvoorstel/seal.py), from the environment only:
# RAADSVOORSTEL_SEAL_<CBS-code>_PKCS12 (path to a PKCS#12 file) and _PASSPHRASE per
# municipality, and optionally RAADSVOORSTEL_TIMESTAMP_URL (an RFC 3161 timestamp authority).
RAADSVOORSTEL_SEALS = {
    name.removeprefix("RAADSVOORSTEL_SEAL_").removesuffix("_PKCS12"): {
        "PKCS12": path,
        "PASSPHRASE": os.environ.get(name.removesuffix("_PKCS12") + "_PASSPHRASE", ""),
    }
    for name, path in os.environ.items()
    if name.startswith("RAADSVOORSTEL_SEAL_") and name.endswith("_PKCS12") and path
}
RAADSVOORSTEL_TIMESTAMP_URL = os.environ.get("RAADSVOORSTEL_TIMESTAMP_URL", "")
