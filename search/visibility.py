"""Who may see which document: the collection counterpart of ``portal.pages.visible_to``.

Wagtail checks collection view restrictions when a document is served, not in
querysets or search. A restriction on a collection hides its whole subtree from
users who do not satisfy it, exactly as page restrictions do for pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Collection, CollectionViewRestriction

from portal.pages import restriction_hides, user_group_ids

COLLECTION_RESTRICTIONS_CACHE_KEY = "search:collection-view-restrictions"


@dataclass(frozen=True)
class CollectionRestriction:
    """A collection's view restriction as the rule needs it (the collection, not its path, which a move changes)."""

    collection_id: int
    restriction_type: str
    group_ids: frozenset[int]


def all_collection_restrictions() -> list[CollectionRestriction]:
    """Every collection view restriction, cached as the page ones are (``portal.pages.all_restrictions``)."""
    restrictions = cache.get(COLLECTION_RESTRICTIONS_CACHE_KEY)
    if restrictions is None:
        restrictions = [
            CollectionRestriction(r.collection_id, r.restriction_type, frozenset(group.pk for group in r.groups.all()))
            for r in CollectionViewRestriction.objects.prefetch_related("groups")
        ]
        cache.set(COLLECTION_RESTRICTIONS_CACHE_KEY, restrictions, 600)
    return restrictions


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
    """The page rule (``portal.pages.restriction_hides``) on collection restrictions, then their subtrees."""
    user_groups = user_group_ids(user) if user is not None and user.is_authenticated else set()
    hiding = [
        restriction.collection_id
        for restriction in all_collection_restrictions()
        if restriction_hides(restriction.restriction_type, restriction.group_ids, user, user_groups)
    ]
    if not hiding:
        return set()
    restricted_ancestor = Collection.objects.filter(pk__in=hiding).filter(StartsWith(OuterRef("path"), F("path")))
    return set(Collection.objects.filter(Exists(restricted_ancestor)).values_list("pk", flat=True))


@receiver(post_save, sender=CollectionViewRestriction)
@receiver(post_delete, sender=CollectionViewRestriction)
@receiver(m2m_changed, sender=CollectionViewRestriction.groups.through)
def forget_collection_restrictions(**kwargs) -> None:
    cache.delete(COLLECTION_RESTRICTIONS_CACHE_KEY)
    # Again once committed: a request may have cached the old state in between.
    transaction.on_commit(lambda: cache.delete(COLLECTION_RESTRICTIONS_CACHE_KEY))
