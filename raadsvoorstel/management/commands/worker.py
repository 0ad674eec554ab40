"""`manage.py worker`: django-tasks-db's db_worker, with a heartbeat for /gezond/, and one that
outlives a database restart.

Takes db_worker's options (`--interval 1 --no-reload`, `--queue-name`, ...). The beat is a
thread of its own, so a long task (a bundle of 32 councils) does not look like a dead worker;
a worker whose process is gone stops beating, and /gezond/ answers 503 a minute later.
"""

import logging
import time

from django.db import close_old_connections, connections, transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.models import DBTaskResult

from raadsvoorstel.health import start_heartbeat
from raadsvoorstel.middleware import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

# How long the worker waits before it looks for the database again.
RECONNECT_SECONDS = 2


class OutageProofWorker(db_worker.Worker):
    """db_worker's Worker, which stops for good on the first database error outside a task
    (django-tasks-db re-raises all but SQLite's "locked"), and leaves the task it was running
    marked as running forever when the database goes away under it. This one waits for the
    database and carries on; the interrupted task is then marked failed and queued again
    (every task here may run twice: archiving finds the archive, a render its result)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.interrupted: list[tuple[DBTaskResult, BaseException]] = []

    def run(self) -> None:
        while True:
            try:
                self.requeue_interrupted()
                return super().run()
            except DATABASE_UNAVAILABLE as error:
                if not self.running:
                    return None
                logger.warning(
                    "Worker %s: database unavailable (%s); trying again in %s s",
                    self.worker_id,
                    str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
                    RECONNECT_SECONDS,
                )
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
                time.sleep(RECONNECT_SECONDS)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_UNAVAILABLE as error:
            # The task failed and so did recording it: it is still "running" in the table.
            self.interrupted.append((db_task_result, error))
            raise

    def requeue_interrupted(self) -> None:
        close_old_connections()
        while self.interrupted:
            result, error = self.interrupted[0]
            with transaction.atomic():
                result.set_failed(error)
                result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            logger.warning(
                "Worker %s: task %s was interrupted and is queued again", self.worker_id, result.id
            )
            self.interrupted.pop(0)


class Command(DBWorkerCommand):
    help = "Run the background worker (db_worker) and write its heartbeat for /gezond/."

    def handle(self, *args, **options):
        stop = start_heartbeat()
        # db_worker's handle makes its Worker by the module's name for it; ours goes in its place.
        original, db_worker.Worker = db_worker.Worker, OutageProofWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
            stop.set()
