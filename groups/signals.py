"""Keep Django auth groups and Wagtail view restrictions in step with groups and memberships.

Signals rather than service calls alone, so that edits made in the Wagtail admin
(a group's visibility, a membership changed in the modeladmin list) are mirrored too.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from groups.models import GroupPage, Membership
from groups.services import setup_group_access, sync_membership


@receiver(post_save, sender=GroupPage)
def group_saved(sender, instance: GroupPage, raw=False, **kwargs):
    if not raw:
        setup_group_access(instance)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, raw=False, **kwargs):
    if not raw:
        sync_membership(instance)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs):
    sync_membership(instance, removed=True)
