"""Benchmarks: production-like (DEBUG off, templates cached) but served from a local database."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
SEED_DEMO_PASSWORDS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background tasks are queued (ORM broker) as in production, not run inside the measured request;
# seeding runs them inline (Q_SYNC=1) so that no backlog is left for the measurements.
if env.bool("Q_SYNC", default=False):  # noqa: F405
    Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
