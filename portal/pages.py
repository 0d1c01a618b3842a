"""Who may see which page: the one rule every listing, feed, search and email reuses.

Wagtail enforces view restrictions when a page is served, but not in querysets,
so listings must filter themselves. ``visible_to(user)`` keeps live pages whose
view restrictions the user satisfies: anonymous visitors see public pages only,
members also see pages restricted to logged-in users and to groups they belong to.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet


def restrictions_hiding_from(user) -> list[PageViewRestriction]:
    """The view restrictions this user does not satisfy (they hide the page and its subtree)."""
    if getattr(user, "is_superuser", False):
        return []
    restrictions = list(PageViewRestriction.objects.select_related("page").prefetch_related("groups"))
    if not user or not user.is_authenticated:
        return restrictions
    group_ids = user_group_ids(user)
    hiding = []
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            continue
        if restriction.restriction_type == PageViewRestriction.GROUPS and (
            group_ids & {group.pk for group in restriction.groups.all()}
        ):
            continue
        hiding.append(restriction)
    return hiding


def user_group_ids(user) -> set[int]:
    """The user's Django group ids, fetched once per user object."""
    if not hasattr(user, "_portal_group_ids"):
        user._portal_group_ids = set(user.groups.values_list("pk", flat=True))
    return user._portal_group_ids


class PortalPageQuerySet(PageQuerySet):
    def visible_to(self, user) -> PortalPageQuerySet:
        hidden = Q()
        for restriction in restrictions_hiding_from(user):
            hidden |= Q(path__startswith=restriction.page.path)
        queryset = self.live()
        return queryset.exclude(hidden) if hidden else queryset


PortalPageManager = PageManager.from_queryset(PortalPageQuerySet)


def is_visible_to(page: Page, user) -> bool:
    """The same rule for one page."""
    if not page.live:
        return False
    return not any(page.path.startswith(r.page.path) for r in restrictions_hiding_from(user))
