"""Settings for Raadsvoorstel, from the environment only (README, "Production").

Safe by default: without DJANGO_DEBUG=1 this is production, which refuses to start until
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL are set, and which serves over
HTTPS only (HSTS, secure cookies, a Content Security Policy). `make run` and the tests
(tests/settings.py) turn DEBUG on and bring their own throwaway secret; with DEBUG on and no
DATABASE_URL the quick start's SQLite database in `var/` is used.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("RAADSVOORSTEL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_required = ["DJANGO_SECRET_KEY"] if DEBUG else ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"]
if _missing := [name for name in _required if not env.str(name, default="").strip()]:
    # SystemExit, not ImproperlyConfigured: manage.py and gunicorn then print this one line
    # and stop, instead of a traceback (or gunicorn workers that keep failing to boot).
    raise SystemExit(
        f"Raadsvoorstel will not start: set {', '.join(_missing)} in the environment"
        + ("" if DEBUG else " (production, DJANGO_DEBUG is off; see README, Production).")
    )
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]


def database_from_url(url: str) -> dict:
    """DATABASE_URL as Django's DATABASES entry, through django-environ (PostgreSQL or SQLite).

    `sqlite:///var/db.sqlite3` has always meant the absolute path /var/db.sqlite3 here, where
    django-environ reads three slashes as relative (and four as absolute): the old meaning is
    kept, so existing URLs and scripts go on working.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = "sqlite:////" + url.removeprefix("sqlite:///")
    config = env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent writers wait for the lock instead of failing at once.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    else:
        raise SystemExit(f"DATABASE_URL must be postgres:// or sqlite://, not {url.split(':', 1)[0]}://")
    return config


if "DATABASE_URL" not in env:
    # Only with DEBUG on (production refused above): the quick start's database.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": database_from_url(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'raadsvoorstel.sqlite3'}")
    )
}

INSTALLED_APPS = [
    "raadsvoorstel",
    "django.contrib.admin",
    "django.contrib.auth",
    # Logins throttled after repeated failures (AXES_* below).
    "axes",
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
    # First, so that everything after it, a 500 included, logs with the request's id.
    "raadsvoorstel.observability.RequestIdMiddleware",
    # A database that is down or restarting: a Dutch 503 with Retry-After, not a 500.
    "raadsvoorstel.middleware.DatabaseUnavailableMiddleware",
    "raadsvoorstel.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and compressed, served by the app (make serve).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    # First: refuses every login of a locked-out user name and address, password or not.
    "axes.backends.AxesStandaloneBackend",
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
# Production serves static files through WhiteNoise from STATIC_ROOT, as `collectstatic`
# (run by `make serve`) leaves them: names with their hash, so they are cached for a year,
# and compressed. With DEBUG on they come straight from static/ and the apps.
# Uploaded and archived files: on this machine's disk, or, when several machines serve the app,
# in an S3-compatible bucket (django-storages). Every read is checked against its SHA-256
# (files.read_verified) whichever holds them; files are private, served through the app.
S3_BUCKET = env.str("RAADSVOORSTEL_S3_BUCKET", default="")
FILE_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("RAADSVOORSTEL_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("RAADSVOORSTEL_S3_REGION", default="") or None,
            "access_key": env.str("RAADSVOORSTEL_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("RAADSVOORSTEL_S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            # A name is never reused: an archived file is never overwritten.
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

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

# Limits on what comes in (raadsvoorstel/limits.py, README "Limits"): a request body apart
# from its files, such as an API document or a long proposal, up to the import's 5 MB.
# Files stream to disk above FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB); their size is
# limited per view, from CONTENT_LENGTH, before the body is read (limits.limit_upload).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # = limits.MAX_IMPORT_BYTES (a test keeps them equal)

# --- Safe by default (README, "Production") ---
#
# HTTPS only, unless DEBUG is on (`make run` serves plain http on 127.0.0.1). Behind a TLS
# proxy, DJANGO_SECURE_PROXY_SSL_HEADER names the header the proxy sets to "https" (and
# overwrites when a client sends it), e.g. X-Forwarded-Proto; without it every request
# would look like http, redirect forever and fail the CSRF origin check.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health check may come over plain http to the instance itself.
SECURE_REDIRECT_EXEMPT = [r"^gezond/$"]
if _proxy_header := env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Behind a proxy that appends the client's address to X-Forwarded-For, that address is
# the one logins are throttled by (observability.client_ip); otherwise it is REMOTE_ADDR.
RAADSVOORSTEL_FORWARDED_FOR = env.bool("RAADSVOORSTEL_FORWARDED_FOR", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script of ours reads either
# Lax, not Strict: a link in a notice mail must arrive logged in.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# A session ends after this long without a request (each request starts the time again).
SESSION_COOKIE_AGE = env.int("RAADSVOORSTEL_SESSION_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True

# Content Security Policy, enforced: our own scripts, styles, fonts and images only, no
# inline script or style attribute anywhere (the JSON-LD of a public decision is data, and
# not run), no plugins, no framing, forms posting only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # data: for the images Swagger UI's stylesheet carries inline (/api/v1/docs).
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logins: after RAADSVOORSTEL_LOGIN_FAILURES wrong passwords for one user name from one
# address, that pair is refused for RAADSVOORSTEL_LOGIN_LOCKOUT_MINUTES, the right password
# included (django-axes; the login page says so in Dutch). By name and address together, so
# nobody can lock a colleague out from elsewhere. `manage.py axes_reset_username NAME` lifts
# one lock, `axes_reset` all; django-axes' admin pages stay out (its texts are not Dutch).
AXES_ENABLE_ADMIN = False
AXES_FAILURE_LIMIT = env.int("RAADSVOORSTEL_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RAADSVOORSTEL_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "raadsvoorstel.views.errors.locked_out"
AXES_CLIENT_IP_CALLABLE = "raadsvoorstel.observability.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# Logs: one JSON line per record on stderr, each with the request's id (observability.py);
# a 500 is django.request's ERROR with its traceback. RAADSVOORSTEL_LOG_LEVEL (INFO).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "raadsvoorstel.observability.RequestIdFilter"}},
    "formatters": {"json": {"()": "raadsvoorstel.observability.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stderr"], "level": env.str("RAADSVOORSTEL_LOG_LEVEL", default="INFO")},
    # Django's own loggers write through the root's handler instead of their defaults.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Its start-up banner in every command is noise; its lockouts are warnings.
        "axes.apps": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every step of every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# /gezond/ reads the worker's heartbeat here (health.py); web and worker must share it.
RAADSVOORSTEL_WORKER_HEARTBEAT = Path(
    env.str("RAADSVOORSTEL_WORKER_HEARTBEAT", default=str(VAR_DIR / "worker.heartbeat"))
)
