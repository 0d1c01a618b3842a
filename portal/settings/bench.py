"""Benchmarks: production-like (DEBUG off, templates cached) but served from a local database."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
SEED_DEMO_PASSWORDS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
