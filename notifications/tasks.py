"""Entry points for the django-q2 worker: each records or sends, and is safe to run twice."""

from notifications import services


def record_page_published(page_id: int) -> None:
    services.record_page_published(page_id)


def record_comment(comment_id: int) -> None:
    services.record_comment(comment_id)


def record_document(document_id: int) -> None:
    services.record_document(document_id)


def record_membership_request(membership_id: int) -> None:
    services.record_membership_request(membership_id)


def send_due_digests() -> dict:
    """Every 15 minutes: the daily and weekly digests whose hour has come (see services.due_digests)."""
    return {batch: vars(report) for batch, report in services.send_due_digests().items()}
