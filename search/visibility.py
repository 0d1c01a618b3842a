"""Who may see which document: the collection counterpart of ``portal.pages.visible_to``.

Wagtail checks collection view restrictions when a document is served, not in
querysets or search. A restriction on a collection hides its whole subtree from
users who do not satisfy it, exactly as page restrictions do for pages.
"""

from __future__ import annotations

from wagtail.models import Collection, CollectionViewRestriction

from portal.pages import user_group_ids


def restriction_hides_from(restriction: CollectionViewRestriction, user) -> bool:
    if getattr(user, "is_superuser", False):
        return False
    if restriction.restriction_type == CollectionViewRestriction.LOGIN:
        return not (user and user.is_authenticated)
    if restriction.restriction_type == CollectionViewRestriction.GROUPS and user and user.is_authenticated:
        return not (user_group_ids(user) & {group.pk for group in restriction.groups.all()})
    # Shared passwords are per session: a search cannot know them, so such content stays out.
    return True


def hidden_collection_ids(user) -> set[int]:
    """Ids of the collections whose documents this user may not see (restricted ones and their descendants).

    Computed once per user object, as ``portal.pages.user_group_ids`` does: a search asks many times.
    """
    if getattr(user, "is_superuser", False):
        return set()
    if user is not None and hasattr(user, "_search_hidden_collection_ids"):
        return user._search_hidden_collection_ids
    hidden = compute_hidden_collection_ids(user)
    if user is not None:
        user._search_hidden_collection_ids = hidden
    return hidden


def compute_hidden_collection_ids(user) -> set[int]:
    hidden_paths = [
        restriction.collection.path
        for restriction in CollectionViewRestriction.objects.select_related("collection").prefetch_related("groups")
        if restriction_hides_from(restriction, user)
    ]
    if not hidden_paths:
        return set()
    return {
        pk
        for pk, path in Collection.objects.values_list("pk", "path")
        if any(path.startswith(hidden) for hidden in hidden_paths)
    }
