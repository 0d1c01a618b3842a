"""Recurring background jobs run by the django-q2 worker (`manage.py qcluster`).

Apps declare their jobs with ``register``; ``ensure_schedules`` (run after every
migrate and by ``manage.py ensure_schedules``) creates or updates them, so a fresh
install never depends on someone clicking through the admin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecurringJob:
    name: str
    func: str
    minutes: int


_jobs: dict[str, RecurringJob] = {}


def register(name: str, func: str, minutes: int) -> None:
    _jobs[name] = RecurringJob(name, func, minutes)


def registered_jobs() -> list[RecurringJob]:
    return list(_jobs.values())


def ensure_schedules() -> list[str]:
    from django_q.models import Schedule

    names = []
    for job in registered_jobs():
        Schedule.objects.update_or_create(
            name=job.name,
            defaults={"func": job.func, "schedule_type": Schedule.MINUTES, "minutes": job.minutes, "repeats": -1},
        )
        names.append(job.name)
    return names


register("wagtail-publish-scheduled", "portal.tasks.publish_scheduled", minutes=1)
