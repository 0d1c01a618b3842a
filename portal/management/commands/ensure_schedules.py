from django.core.management.base import BaseCommand

from portal.schedules import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the recurring django-q2 jobs (scheduled publishing, digests…)."

    def handle(self, *args, **options):
        for name in ensure_schedules():
            self.stdout.write(f"Schedule ready: {name}")
