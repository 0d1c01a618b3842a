"""Hooks into the other apps' events: each queues a task once the transaction commits.

Signals rather than calls in the other apps' services, so content published from the
Wagtail admin, the front-end forms or a script is announced the same way.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_comments_xtd.models import XtdComment
from django_q.tasks import async_task
from wagtail.documents import get_document_model
from wagtail.signals import page_published

from groups.models import Membership
from notifications import services


def queue(task: str, *args) -> None:
    transaction.on_commit(lambda: async_task(f"notifications.tasks.{task}", *args))


@receiver(page_published)
def page_was_published(sender, instance, **kwargs):
    if instance.first_published_at == instance.last_published_at or instance.first_published_at is None:
        queue("record_page_published", instance.pk)


@receiver(post_save)
def comment_was_saved(sender, instance, created, raw=False, **kwargs):
    # The discussions app saves a proxy of XtdComment: the sender is that proxy.
    if created and not raw and isinstance(instance, XtdComment) and instance.is_public:
        queue("record_comment", instance.pk)


@receiver(post_save, sender=get_document_model())
def document_was_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        queue("record_document", instance.pk)


@receiver(post_save, sender=Membership)
def membership_was_saved(sender, instance: Membership, created, raw=False, **kwargs):
    if raw:
        return
    if instance.status == Membership.Status.PENDING and created:
        queue("record_membership_request", instance.pk)
    elif instance.status == Membership.Status.ACTIVE:
        transaction.on_commit(lambda: services.apply_group_default(instance))
