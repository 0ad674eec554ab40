"""`manage.py worker`: django-tasks-db's db_worker, with a heartbeat for /gezond/.

Takes db_worker's options (`--interval 1 --no-reload`, `--queue-name`, ...). The beat is a
thread of its own, so a long task (a bundle of 32 councils) does not look like a dead worker;
a worker whose process is gone stops beating, and /gezond/ answers 503 a minute later.
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from raadsvoorstel.health import start_heartbeat


class Command(DBWorkerCommand):
    help = "Run the background worker (db_worker) and write its heartbeat for /gezond/."

    def handle(self, *args, **options):
        stop = start_heartbeat()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
