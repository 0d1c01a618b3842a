"""The archive's rules: file versions, background extraction and its limits."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import asdict

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from search.extractors import SUPPORTED_EXTENSIONS, ExtractionError, Limits, extract
from search.models import Document, DocumentVersion, UnansweredQuery

logger = logging.getLogger(__name__)

ERROR_MESSAGES = {
    "unsupported": _("Files of type “%(extension)s” are not read for search."),
    "empty": _("The file is empty."),
    "no_text": _("No text was found in the file."),
    "not_pdf": _("The file is not a PDF, despite its name."),
    "encrypted": _("The file is protected by a password: its text cannot be read."),
    "corrupt": _("The file is damaged or is not in the format its name says."),
    "too_many_pages": _("The file has %(pages)s pages, more than the limit of %(limit)s."),
    "too_large_uncompressed": _(
        "Once uncompressed the file would take %(size)s bytes, more than the limit of %(limit)s: it was not opened."
    ),
    "timeout": _("Reading the file took more than %(seconds)s seconds and was stopped."),
    "memory": _("Reading the file needed more memory than allowed and was stopped."),
    "ocr_unavailable": _("The file is a scan and text recognition (Tesseract) is not installed."),
    "binary": _("The file holds binary data, not text."),
}


def extraction_limits() -> Limits:
    return Limits(**{**asdict(Limits()), **getattr(settings, "SEARCH_EXTRACTION_LIMITS", {})})


def file_checksum(document: Document) -> str:
    digest = hashlib.sha256()
    with document.open_file() as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record_file_version(document: Document) -> bool:
    """Copy the document's current file into its history if it is new; True when the file changed."""
    checksum = file_checksum(document)
    if checksum == document.checksum and document.versions.exists():
        return False
    with document.open_file() as handle:
        content = handle.read()
    uploader = getattr(document, "version_uploader", None) or document.uploaded_by_user
    version = DocumentVersion(document=document, checksum=checksum, file_size=len(content), uploaded_by=uploader)
    version.file.save(document.filename, ContentFile(content), save=False)
    version.save()
    Document.objects.filter(pk=document.pk).update(
        checksum=checksum, extraction_status=Document.ExtractionStatus.PENDING, extraction_error=""
    )
    document.checksum = checksum
    document.extraction_status = Document.ExtractionStatus.PENDING
    return True


def enqueue_extraction(document_id: int) -> None:
    """Extraction runs on the django-q2 worker: an upload request never waits for it."""
    from django_q.tasks import async_task

    async_task("search.services.extract_if_pending", document_id, task_name=f"extract-document-{document_id}")


class QueueUnavailable(Exception):
    """The task queue refused a job: ``queued`` of ``total`` documents went in, the others kept their state."""

    def __init__(self, queued: int, total: int):
        super().__init__(f"{queued} of {total} extractions queued")
        self.queued, self.total = queued, total


def extract_again(documents) -> int:
    """Send these documents back to the extraction queue; returns how many were queued.

    They are set pending before their jobs are queued (a worker that takes one at once must find
    it pending); if the queue goes away, those it did not take get their status and reason back.
    """
    rows = list(documents.order_by("pk").values_list("pk", "extraction_status", "extraction_error"))
    pending = Document.ExtractionStatus.PENDING
    Document.objects.filter(pk__in=[pk for pk, _status, _reason in rows]).update(
        extraction_status=pending, extraction_error=""
    )
    queued = 0
    try:
        for pk, _status, _reason in rows:
            enqueue_extraction(pk)
            queued += 1
    except Exception as error:  # Redis or the database behind the queue
        logger.exception("The task queue could not take an extraction")
        for pk, status, reason in rows[queued:]:
            Document.objects.filter(pk=pk, extraction_status=pending).update(
                extraction_status=status, extraction_error=reason
            )
        raise QueueUnavailable(queued, len(rows)) from error
    return queued


def extract_if_pending(document_id: int) -> None:
    """The worker's task: skipped when the text was already read since the upload (by the demo, or a rerun)."""
    if Document.objects.filter(pk=document_id, extraction_status=Document.ExtractionStatus.PENDING).exists():
        extract_document(document_id)


def extract_document(document_id: int, *, isolated: bool = True) -> Document | None:
    """Read the text of one document in a limited child process and store it, or the reason it failed.

    ``isolated=False`` reads in this process: only for files the portal made itself (the demo).
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    extension = document.file_extension.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        outcome = {"ok": False, "code": "unsupported", "params": {"extension": extension}}
    elif isolated:
        outcome = run_extractor(document, extension, extraction_limits())
    else:
        outcome = extract_here(document, extension, extraction_limits())
    fields = {"extracted_at": timezone.now()}
    if outcome["ok"]:
        fields |= {
            "extracted_text": outcome["text"],
            "page_count": outcome["page_count"],
            "language": outcome["language"],
            "extraction_status": Document.ExtractionStatus.EXTRACTED,
            "extraction_error": "",
        }
    else:
        unsupported = outcome["code"] == "unsupported"
        fields |= {
            "extracted_text": None,
            "extraction_status": Document.ExtractionStatus.UNSUPPORTED
            if unsupported
            else Document.ExtractionStatus.FAILED,
            "extraction_error": error_message(outcome["code"], outcome.get("params", {})),
        }
    # update() rather than save(): saving would record a version and enqueue another extraction.
    Document.objects.filter(pk=document_id).update(**fields)
    document = Document.objects.get(pk=document_id)
    index.insert_or_update_object(document)
    return document


def error_message(code: str, params: dict) -> str:
    """Stored in the site's language (French) so editors read it in the admin as is."""
    message = ERROR_MESSAGES.get(code, ERROR_MESSAGES["corrupt"])
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return str(message) % params
        except (KeyError, TypeError):
            return str(ERROR_MESSAGES["corrupt"])


def extract_here(document: Document, extension: str, limits: Limits) -> dict:
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as copy:
        with document.open_file() as handle:
            copy.write(handle.read())
        copy.flush()
        try:
            return {"ok": True, **asdict(extract(copy.name, extension, limits))}
        except ExtractionError as error:
            return {"ok": False, "code": error.code, "params": error.params}


def run_extractor(document: Document, extension: str, limits: Limits) -> dict:
    """Copy the file out of storage (which may be S3) and read it in a child under memory and time limits."""
    memory_bytes = getattr(settings, "SEARCH_EXTRACTION_MEMORY_MB", 768) * 1024 * 1024
    total_timeout = getattr(settings, "SEARCH_EXTRACTION_TIMEOUT", 180)

    def limit_child() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as copy:
        with document.open_file() as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                copy.write(chunk)
        copy.flush()
        command = [sys.executable, "-m", "search.extractors", copy.name, extension, json.dumps(asdict(limits))]
        try:
            completed = subprocess.run(
                command,
                capture_output=True,
                timeout=total_timeout,
                preexec_fn=limit_child,  # noqa: PLW1509 - no threads are started between fork and exec
                cwd=settings.BASE_DIR,
                env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"ok": False, "code": "timeout", "params": {"seconds": total_timeout}}
    try:
        return json.loads(completed.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        logger.warning("Extractor for document %s died: %s", document.pk, completed.stderr[-500:])
        return {"ok": False, "code": "memory" if completed.returncode < 0 else "corrupt", "params": {}}


def record_unanswered_query(query: str) -> None:
    normalised = " ".join(query.lower().split())[:255]
    updated = UnansweredQuery.objects.filter(query_string=normalised).update(
        times=F("times") + 1, last_seen=timezone.now()
    )
    if not updated:
        UnansweredQuery.objects.get_or_create(query_string=normalised)
