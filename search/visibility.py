"""Who may see which document: the collection counterpart of ``portal.pages.visible_to``.

Wagtail checks collection view restrictions when a document is served, not in
querysets or search. A restriction on a collection hides its whole subtree from
users who do not satisfy it, exactly as page restrictions do for pages.
"""

from __future__ import annotations

from wagtail.models import Collection, CollectionViewRestriction

from portal.pages import restriction_hides, user_group_ids


def restriction_hides_from(restriction: CollectionViewRestriction, user) -> bool:
    """The page rule (``portal.pages.restriction_hides``) applied to a collection's restriction."""
    user_groups = user_group_ids(user) if user is not None and user.is_authenticated else set()
    return restriction_hides(
        restriction.restriction_type, [group.pk for group in restriction.groups.all()], user, user_groups
    )


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
