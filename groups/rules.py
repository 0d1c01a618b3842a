"""Who may do what in a group: the single source for views, templates, document serving,
activity streams, search and notification emails.

Reading follows Wagtail's view restrictions, which ``groups.services`` keeps in sync:
open groups need a signed-in user, the others an active membership (superusers pass
every restriction, as in Wagtail). Roles only add moderation and management rights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from groups.models import GroupPage, GroupPostPage, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

MODERATING_ROLES = {Membership.Role.MODERATOR, Membership.Role.MANAGER}


def memberships_by_group(user: User) -> dict[int, Membership]:
    """The user's memberships of every status, keyed by group id, fetched once per user object."""
    if not user or not user.is_authenticated:
        return {}
    if not hasattr(user, "_group_memberships"):
        user._group_memberships = {m.group_id: m for m in Membership.objects.filter(user=user).order_by()}
    return user._group_memberships


def forget_memberships(user: User) -> None:
    """Drop the per-object caches after a membership change (ours and portal.pages')."""
    for attribute in ("_group_memberships", "_portal_group_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def membership_of(user: User, group: GroupPage) -> Membership | None:
    return memberships_by_group(user).get(group.pk)


def active_membership(user: User, group: GroupPage) -> Membership | None:
    membership = membership_of(user, group)
    return membership if membership and membership.is_active else None


def is_member(user: User, group: GroupPage) -> bool:
    return active_membership(user, group) is not None


def can_see_group(user: User, group: GroupPage) -> bool:
    """Whether the user may know the group exists (its name, description, join button)."""
    if not user.is_authenticated or not group.live:
        return False
    if user.is_superuser or group.visibility != GroupPage.Visibility.SECRET:
        return True
    membership = membership_of(user, group)
    return membership is not None and membership.status in (Membership.Status.ACTIVE, Membership.Status.INVITED)


def can_read(user: User, group: GroupPage) -> bool:
    """Posts, documents, events and member list of the group."""
    if not can_see_group(user, group):
        return False
    return user.is_superuser or group.visibility == GroupPage.Visibility.OPEN or is_member(user, group)


def can_post(user: User, group: GroupPage) -> bool:
    """Publishing posts and documents is for members, even in open groups (join first)."""
    return can_see_group(user, group) and (user.is_superuser or is_member(user, group))


def can_moderate(user: User, group: GroupPage) -> bool:
    """Unpublishing others' posts (and, in discussions, moderating comments)."""
    if not can_see_group(user, group):
        return False
    membership = active_membership(user, group)
    return user.is_superuser or (membership is not None and membership.role in MODERATING_ROLES)


def can_manage_members(user: User, group: GroupPage) -> bool:
    """Approving requests, inviting, changing roles, removing members."""
    if not can_see_group(user, group):
        return False
    membership = active_membership(user, group)
    return user.is_superuser or (membership is not None and membership.role == Membership.Role.MANAGER)


def can_edit_post(user: User, post: GroupPostPage, group: GroupPage) -> bool:
    """Authors edit and delete their own posts while they remain members."""
    return can_post(user, group) and (user.is_superuser or post.owner_id == user.pk)


def can_unpublish_post(user: User, post: GroupPostPage, group: GroupPage) -> bool:
    return can_edit_post(user, post, group) or can_moderate(user, group)


def can_join(user: User, group: GroupPage) -> bool:
    return _may_apply(user, group) and group.join_policy == GroupPage.JoinPolicy.OPEN


def can_request(user: User, group: GroupPage) -> bool:
    return _may_apply(user, group) and group.join_policy == GroupPage.JoinPolicy.REQUEST


def _may_apply(user: User, group: GroupPage) -> bool:
    return can_see_group(user, group) and membership_of(user, group) is None
