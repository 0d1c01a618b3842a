"""A django-tasks backend that runs tasks (Wagtail's index and reference-index updates) on django-q2.

A page save only writes a row in django-q2's queue (after the transaction commits, so
the worker sees the saved object); the worker runs the task. When the search engine is
down the task raises instead of logging and forgetting the update (see
``search.backends.raising_indexing_errors``), django-q2 does not acknowledge it, and
its broker presents it again after ``Q_CLUSTER["retry"]`` seconds, up to
``max_attempts`` times: the update is applied once the engine is back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.conf import Conf
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

from search.backends import raising_indexing_errors


class DjangoQBackend(BaseTaskBackend):
    supports_defer = False
    supports_get_result = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        if Conf.SYNC:
            # django-q2's own "run now" mode (tests, or no worker): the task runs inline, exactly
            # as with django-tasks' ImmediateBackend, with Wagtail's error handling unchanged.
            result.task.call(*args, **kwargs)
            object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
        else:
            transaction.on_commit(lambda: self.send(result))
        return result

    def send(self, result: TaskResult) -> None:
        from django_q.tasks import async_task

        async_task(
            run_task,
            result.task.module_path,
            list(result.args),
            dict(result.kwargs),
            task_name=f"{result.task.name}:{result.id}",
            group=result.task.queue_name,
        )


def run_task(module_path: str, args: list, kwargs: dict):
    """Run on the worker. Errors propagate so that django-q2 retries the task."""
    task = import_string(module_path)
    with raising_indexing_errors():
        return task.call(*args, **kwargs)
