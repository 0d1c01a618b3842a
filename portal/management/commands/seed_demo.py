"""Build the demo network: sites, platforms, members, news, events (and what later apps add)."""

import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string
from django_q.conf import Conf

from home.tree import ensure_home_page
from portal.demo import DEMO_PASSWORD, DemoContext, run_steps, seed_accounts

# Each app's ``demo.seed(ctx)``, in dependency order; apps not installed are skipped.
APP_STEPS = ["people", "news", "events", "groups", "discussions", "notifications", "search"]


class Command(BaseCommand):
    help = "Create the deterministic demo network (French names, real PDF attachments)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply content volumes (benchmarks).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if members already exist.")

    def handle(self, *args, scale, if_empty, **options):
        from django.contrib.auth import get_user_model

        if if_empty and get_user_model().objects.exists():
            self.stdout.write("The database already has accounts: demo not loaded.")
            return
        ctx = DemoContext(scale=scale, stdout=self.stdout)
        steps = [("Comptes", seed_accounts)]
        for app_label in APP_STEPS:
            if apps.is_installed(app_label):
                if importlib.util.find_spec(f"{app_label}.demo"):
                    steps.append((app_label, import_string(f"{app_label}.demo.seed")))
        # A batch: background jobs (index updates, extraction…) run inline rather than queue by thousands.
        # What seeding publishes is the network's past, not news: its notifications are recorded as
        # delivered, not mailed to the demo's addresses (nor printed by the console backend).
        sync, Conf.SYNC = Conf.SYNC, True
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                with transaction.atomic():
                    ensure_home_page()
                    run_steps(ctx, steps)
        finally:
            Conf.SYNC = sync
        self.stdout.write(self.style.SUCCESS("Demo network ready."))
        if getattr(settings, "SEED_DEMO_PASSWORDS", False):
            self.stdout.write(
                f"Logins (password {DEMO_PASSWORD}): admin (administrator), communication (Communication), "
                f"{ctx.members[0].username if ctx.members else 'member'} (member)."
            )
        else:
            self.stdout.write("No passwords set (production settings): use password reset or SSO.")
