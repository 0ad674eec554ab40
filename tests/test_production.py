"""Ready for the internet: production's settings refuse to start half-configured, pass
`check --deploy`, and serve with a CSP, secure cookies, throttled logins, request ids in the
logs, a Dutch 500 page and a health check for the load balancer.

What depends on production's environment runs in a subprocess with exactly the variables
README's "Production" documents; the rest runs here, under the test settings.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import path

from raadsvoorstel import health
from raadsvoorstel.observability import JsonFormatter
from raadsvoorstel.settings import database_from_url

PASSWORD = "een-goed-wachtwoord-2026"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def production_environment(tmp_path: Path, **changes: str | None) -> dict:
    """The machine's environment without any DJANGO_ setting or DATABASE_URL of the test run,
    plus README's production variables; a change of None leaves that variable out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="raadsvoorstel.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="raad.example.nl",
        DATABASE_URL=f"sqlite://{tmp_path / 'productie.sqlite3'}",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://raad.example.nl",
        EMAIL_HOST="smtp.example.nl",
        RAADSVOORSTEL_VAR_DIR=str(tmp_path / "var"),
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def python(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- Production's settings, in a process of their own ---


def test_check_deploy_reports_nothing_with_the_documented_production_variables(tmp_path):
    result = manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_each_required_variable_in_one_line(tmp_path, missing):
    result = manage(production_environment(tmp_path, **{missing: None}), "check")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Raadsvoorstel will not start: set ")
    assert missing in line
    assert not ({"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"} - {missing}) & set(
        re.findall(r"[A-Z_]{6,}", line.removesuffix("see README, Production)."))
    )


def test_debug_is_off_unless_set_and_production_is_https_only(tmp_path):
    env = production_environment(tmp_path, RAADSVOORSTEL_SESSION_IDLE_MINUTES="30")
    assert "DJANGO_DEBUG" not in env
    result = python(
        env,
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'proxy': s.SECURE_PROXY_SSL_HEADER, 'origins': s.CSRF_TRUSTED_ORIGINS,"
        "'age': s.SESSION_COOKIE_AGE, 'every': s.SESSION_SAVE_EVERY_REQUEST,"
        "'static': s.STORAGES['staticfiles']['BACKEND']}))",
    )

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen == {
        "debug": False,
        "redirect": True,
        "hsts": 365 * 24 * 3600,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "origins": ["https://raad.example.nl"],
        "age": 30 * 60,
        "every": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


LOGIN_IN_PRODUCTION = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("migrate", verbosity=0)
from raadsvoorstel.models import User
User.objects.create_user("griffie", password="een-goed-wachtwoord-2026")
client = Client(HTTP_HOST="raad.example.nl")
plain = client.get("/inloggen/")
print("plain", plain.status_code, plain.headers.get("Location"))
response = client.post(
    "/inloggen/", {"username": "griffie", "password": "een-goed-wachtwoord-2026"},
    HTTP_X_FORWARDED_PROTO="https",
)
print("login", response.status_code)
for name in ("sessionid", "csrftoken"):
    cookie = response.cookies[name]
    print(name, bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"])
"""


def test_production_redirects_to_https_and_sets_secure_httponly_samesite_cookies(tmp_path):
    result = python(production_environment(tmp_path), LOGIN_IN_PRODUCTION)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "plain 301 https://raad.example.nl/inloggen/"
    assert lines[1] == "login 302"
    assert lines[2:] == ["sessionid True True Lax", "csrftoken True True Lax"]


def test_database_url_keeps_the_absolute_sqlite_path_and_reads_postgres():
    assert database_from_url("sqlite:///tmp/x/db.sqlite3")["NAME"] == "/tmp/x/db.sqlite3"
    assert database_from_url("sqlite:////tmp/x/db.sqlite3")["NAME"] == "/tmp/x/db.sqlite3"
    postgres = database_from_url("postgres://raad:ge%40heim@db.example.nl:5433/raadsvoorstel")
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["USER"], postgres["PASSWORD"], postgres["HOST"], postgres["PORT"], postgres["NAME"]) == (
        "raad",
        "ge@heim",
        "db.example.nl",
        5433,
        "raadsvoorstel",
    )
    assert postgres["CONN_MAX_AGE"] == 60


# --- Content Security Policy ---

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


def assert_no_inline_script_or_style(html: str, where: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"{where}: {INLINE_SCRIPT.search(html).group(0)}"
    assert not INLINE_STYLE.search(html), f"{where}: {INLINE_STYLE.search(html).group(0)}"


def test_no_page_template_has_inline_script_or_style():
    """The PDF templates are WeasyPrint's, never a browser's, and may style inline."""
    for template in TEMPLATES_DIR.rglob("*.html"):
        if "pdf" in template.relative_to(TEMPLATES_DIR).parts:
            continue
        assert_no_inline_script_or_style(template.read_text(encoding="utf-8"), str(template))


def test_pages_carry_the_csp_and_no_inline_script_or_style(client, griffie, concept):
    urls = ["/inloggen/", "/gemeenten/", "/controle/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert_no_inline_script_or_style(response.text, url)

    client.force_login(griffie)
    for url in ["/", "/voorstellen/", f"/voorstellen/{concept.pk}/", f"/voorstellen/{concept.pk}/bewerken/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"].startswith("default-src 'self'")
        assert_no_inline_script_or_style(response.text, url)


def test_the_api_docs_and_the_admin_render_under_the_csp(client, make_user):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "Content-Security-Policy" in docs
    assert not INLINE_SCRIPT.search(docs.text)

    admin = make_user("griffier", username="beheer")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert not INLINE_SCRIPT.search(response.text)


# --- Logins ---


@pytest.fixture
def account(griffie):
    griffie.set_password(PASSWORD)
    griffie.save()
    return griffie


def log_in(client, password: str):
    return client.post("/inloggen/", {"username": "griffiemedewerker", "password": password})


def test_logins_lock_after_repeated_failures_and_refuse_even_the_right_password(client, account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "fout")
        assert response.status_code == 200
        assert "Te veel mislukte pogingen" not in response.text

    locked = log_in(client, "fout")
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen om in te loggen" in locked.text
    assert "15 minuten" in locked.text

    still_locked = log_in(client, PASSWORD)
    assert still_locked.status_code == 429
    assert "Te veel mislukte pogingen om in te loggen" in still_locked.text
    assert "_auth_user_id" not in client.session


def test_a_good_login_before_the_limit_clears_the_failures(client, account):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "fout")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()

    assert log_in(client, "fout").status_code == 200


def test_sessions_expire_after_idle_time_and_each_request_renews_them():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 120 * 60


# --- Request ids, logs and the 500 page ---


def crash(request):
    raise RuntimeError("kapot in de test")


def forbidden(request):
    raise PermissionDenied


# Only for the tests below (pytest.mark.urls): no public URL crashes on purpose.
urlpatterns = [path("kapot/", crash), path("verboden/", forbidden)]
handler500 = "raadsvoorstel.views.errors.server_error"


def test_every_response_has_a_request_id_and_a_sane_incoming_one_is_kept(client):
    fresh = client.get("/inloggen/")
    assert re.fullmatch(r"[0-9a-f]{32}", fresh["X-Request-ID"])

    kept = client.get("/inloggen/", headers={"X-Request-ID": "lb-2026-11-29-abcdef"})
    assert kept["X-Request-ID"] == "lb-2026-11-29-abcdef"

    replaced = client.get("/inloggen/", headers={"X-Request-ID": "<script>\n"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


@pytest.mark.urls(__name__)
def test_a_500_is_logged_with_its_request_id_and_shown_in_dutch(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/kapot/", headers={"X-Request-ID": "probe-500-abcdef"})

    assert response.status_code == 500
    assert response["X-Request-ID"] == "probe-500-abcdef"
    assert "Er ging iets mis" in response.text
    assert "probe-500-abcdef" in response.text
    assert len(response.content) < 2000
    assert "RuntimeError" not in response.text

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "probe-500-abcdef"
    assert line["level"] == "ERROR"
    assert line["status"] == 500
    assert line["path"] == "/kapot/"
    assert "RuntimeError: kapot in de test" in line["exception"]


# --- /gezond/ ---


@pytest.fixture
def healthy(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RAADSVOORSTEL_WORKER_HEARTBEAT = tmp_path / "worker.heartbeat"
    health.write_heartbeat()


def test_health_answers_200_when_database_storage_and_worker_are_fine(client, db, healthy, settings):
    response = client.get("/gezond/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "storage": "ok", "worker": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert list((settings.MEDIA_ROOT / "gezond").iterdir()) == []  # the probe file is gone


def test_health_answers_503_when_the_database_check_fails(client, db, healthy, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: "fout: database antwoordt niet")

    response = client.get("/gezond/")

    assert response.status_code == 503
    assert response.json()["database"] == "fout: database antwoordt niet"
    assert response.json()["storage"] == "ok"


def test_health_answers_503_without_a_recent_heartbeat_of_the_worker(client, db, healthy, settings):
    old = time.time() - health.HEARTBEAT_MAX_AGE_SECONDS - 5
    os.utime(settings.RAADSVOORSTEL_WORKER_HEARTBEAT, (old, old))
    assert client.get("/gezond/").status_code == 503

    settings.RAADSVOORSTEL_WORKER_HEARTBEAT.unlink()
    response = client.get("/gezond/")
    assert response.status_code == 503
    assert response.json()["worker"] == "fout: geen hartslag van de worker"


def test_health_answers_503_when_storage_cannot_be_written(client, db, healthy, settings, tmp_path):
    blocked = tmp_path / "geen-map"
    blocked.write_text("een bestand, geen map")
    settings.MEDIA_ROOT = blocked

    response = client.get("/gezond/")

    assert response.status_code == 503
    assert response.json()["storage"] == "fout: opslag niet schrijfbaar"


def test_the_worker_heartbeat_beats_in_its_own_thread(settings, tmp_path):
    settings.RAADSVOORSTEL_WORKER_HEARTBEAT = tmp_path / "beat"
    stop = health.start_heartbeat()
    try:
        for _ in range(50):
            if settings.RAADSVOORSTEL_WORKER_HEARTBEAT.exists():
                break
            time.sleep(0.05)
        assert health.check_worker() == "ok"
    finally:
        stop.set()
