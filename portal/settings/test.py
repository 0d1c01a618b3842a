"""Test settings: fast hashing, local memory email, no throttling surprises."""

from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
SEED_DEMO_PASSWORDS = True
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media-test")))  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Live servers, browsers and workers in the tests open connections from threads and processes that
# come and go: each closes its own at the end of a request, as without persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
