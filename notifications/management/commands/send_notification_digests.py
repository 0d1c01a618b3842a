"""Send the digests that are due now (what the 15-minute job does), for operators and tests."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from notifications import services


class Command(BaseCommand):
    help = "Send the daily and weekly notification digests whose hour has come (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this ISO 8601 instant (with its offset).")

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError(
                    "--now takes an ISO 8601 date and time with its offset, e.g. 2026-03-30T07:30+02:00."
                )
        for batch, report in services.send_due_digests(moment).items():
            self.stdout.write(
                f"{batch}: {report.sent} sent, {report.failed} failed, {report.empty} with nothing to send"
            )
