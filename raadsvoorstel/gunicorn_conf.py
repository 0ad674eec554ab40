"""gunicorn's settings for `make serve` (`gunicorn -c python:raadsvoorstel.gunicorn_conf`).

Each can be changed from the environment: HOST (address:port, as `make run`),
WEB_CONCURRENCY (workers), GUNICORN_TIMEOUT (seconds).
"""

import os

bind = os.environ.get("HOST", "127.0.0.1:8000")
# Synchronous workers, 2 × cores + 1 (gunicorn's own rule of thumb): a request that renders a
# PDF holds its worker for up to a second or so, and the database waits are short.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# A request is killed after 60 s: the largest PDF a request renders itself takes about 1.3 s
# (limits.INLINE_RENDER_CHARS); anything longer is the worker's, in the background.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The application is imported once, before forking: a configuration error (a missing
# DJANGO_SECRET_KEY, say) stops the server with its one line instead of looping workers.
preload_app = True
# Access log to stderr, key=value, with the id RequestIdMiddleware put on the response.
accesslog = "-"
errorlog = "-"
access_log_format = (
    'remote=%(h)s method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s '
    "duration_ms=%(M)s request_id=%({x-request-id}o)s"
)
# Only the proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto);
# Django trusts it through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
