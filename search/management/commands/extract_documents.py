"""Re-extract the text of documents: new ones by default, every one with --all, failed ones with --failed."""

from django.core.management.base import BaseCommand

from search.models import Document
from search.services import extract_document


class Command(BaseCommand):
    help = "Extract the text of documents (pending ones unless --all or --failed), with progress."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="Every document.")
        group.add_argument("--failed", action="store_true", help="Documents whose extraction failed.")

    def handle(self, *args, all=False, failed=False, **options):
        documents = Document.objects.order_by("pk")
        if failed:
            documents = documents.filter(extraction_status=Document.ExtractionStatus.FAILED)
        elif not all:
            documents = documents.filter(extraction_status=Document.ExtractionStatus.PENDING)
        ids = list(documents.values_list("pk", flat=True))
        total = len(ids)
        outcome = {status: 0 for status in Document.ExtractionStatus.values}
        for done, pk in enumerate(ids, start=1):
            document = extract_document(pk)
            if document is not None:
                outcome[document.extraction_status] += 1
            if done == total or done % max(1, total // 20) == 0:
                self.stdout.write(f"{done}/{total}")
        summary = ", ".join(f"{Document.ExtractionStatus(status).label}: {count}" for status, count in outcome.items())
        self.stdout.write(self.style.SUCCESS(f"{total} documents — {summary}"))
