"""Local development: debug on, demo passwords allowed."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405
SEED_DEMO_PASSWORDS = True
