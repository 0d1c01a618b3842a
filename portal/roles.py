"""The editorial roles (created by portal's migration 0001) as the front end asks about them."""

from django.contrib.auth.models import Group
from django.core.cache import cache

from portal.pages import user_group_ids

COMMUNICATION_GROUP = "Communication"
CONTRIBUTORS_GROUP = "Contributeurs"


def group_id(name: str) -> int | None:
    """A role group's id, cached: the front end asks on every page, the groups never move."""
    key = f"portal:role-group:{name}"
    pk = cache.get(key)
    if pk is None:
        pk = Group.objects.filter(name=name).values_list("pk", flat=True).first() or 0
        cache.set(key, pk, 3600)
    return pk or None


def is_communication_staff(user) -> bool:
    """Communication officers and superusers: they publish anywhere, review comments, export the directory."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or group_id(COMMUNICATION_GROUP) in user_group_ids(user)


def is_editor(user) -> bool:
    """Members of an editorial role: the only ones the Wagtail user bar is shown to on pages."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    roles = {group_id(COMMUNICATION_GROUP), group_id(CONTRIBUTORS_GROUP)} - {None}
    return user.is_superuser or user.is_staff or bool(roles & user_group_ids(user))
