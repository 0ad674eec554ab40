"""The test suite's settings (pyproject.toml points pytest-django here): the project's own,
with DEBUG on and a throwaway secret, as `make run` has them.

Production refuses to start without its secret, hosts and database (raadsvoorstel/settings.py);
the tests are not production. The two variables are set here, before the project's settings
read the environment, so that plain `pytest` needs nothing set by hand. With DEBUG on and no
DATABASE_URL the database is SQLite; CI sets DATABASE_URL for PostgreSQL. Subprocesses started
by tests inherit both. tests/test_production.py starts its own with production's variables.
"""

import os

os.environ["DJANGO_DEBUG"] = "1"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from raadsvoorstel.settings import *  # noqa: E402, F403
