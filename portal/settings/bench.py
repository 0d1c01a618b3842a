"""Benchmarks: production-like (DEBUG off, templates cached) but served from a local database."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
SEED_DEMO_PASSWORDS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background tasks are queued (ORM broker) as in production, not run inside the measured request.
