"""Keep every file a document held, and extract its text after the transaction commits."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from search import services
from search.models import Document


@receiver(post_save, sender=Document)
def archive_new_file(sender, instance: Document, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if services.record_file_version(instance):
        transaction.on_commit(lambda: services.enqueue_extraction(instance.pk))
