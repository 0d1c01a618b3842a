"""The demo network's comment history reproduces the network's reported figures (±1 percentage point)."""

from collections import Counter

import pytest
from django.apps import apps
from django.utils.module_loading import import_string
from wagtail.models import Page

from discussions.demo import HYPERACTIVE_THRESHOLD, first_half, november
from discussions.models import Comment, Reaction
from home.tree import ensure_home_page
from portal.demo import DemoContext, run_steps, seed_accounts

EARLIER_STEPS = ["people", "news", "events", "groups"]


@pytest.fixture
def demo(db):
    ensure_home_page()
    ctx = DemoContext()
    steps = [("accounts", seed_accounts)]
    steps += [(label, import_string(f"{label}.demo.seed")) for label in EARLIER_STEPS if apps.is_installed(label)]
    steps.append(("discussions", import_string("discussions.demo.seed")))
    run_steps(ctx, steps)
    return ctx


def percent(part, whole):
    return 100 * part / whole


def group_category_by_path():
    if not apps.is_installed("groups"):
        return {}
    from groups.models import GroupPage

    return {group.path: group.category.slug for group in GroupPage.objects.select_related("category")}


def test_demo_figures_threads_and_review_list(demo):
    month = november(demo.now)
    comments = list(Comment.objects.filter(is_public=True, submit_date__gte=month.start, submit_date__lt=month.end))
    assert len(comments) >= 100
    page_paths = dict(Page.objects.filter(pk__in={int(c.object_pk) for c in comments}).values_list("pk", "path"))
    categories = group_category_by_path()
    buckets = Counter(categories.get(page_paths[int(c.object_pk)][: -Page.steplen], "elsewhere") for c in comments)
    shares = {
        slug: percent(buckets[slug], len(comments)) for slug in ["projets", "actualites-reseau", "bonnes-pratiques"]
    }
    shares["elsewhere"] = 100 - sum(shares.values())
    for slug, expected in {"projets": 34, "actualites-reseau": 26, "bonnes-pratiques": 25, "elsewhere": 15}.items():
        assert abs(shares[slug] - expected) <= 1, (slug, shares)

    half = first_half(demo.now)
    members = demo.members
    assert len(members) == 132
    in_half = {"submit_date__gte": half.start, "submit_date__lt": half.end}
    comments_by = Counter(Comment.objects.filter(user__in=members, **in_half).values_list("user_id", flat=True))
    posts_by = Counter(
        Page.objects.filter(
            owner__in=members, first_published_at__gte=half.start, first_published_at__lt=half.end
        ).values_list("owner_id", flat=True)
    )
    reacted = set(
        Reaction.objects.filter(user__in=members, created_at__gte=half.start, created_at__lt=half.end).values_list(
            "user_id", flat=True
        )
    )
    hyperactive = [m for m in members if comments_by[m.pk] + posts_by[m.pk] >= HYPERACTIVE_THRESHOLD]
    interacted = [m for m in members if comments_by[m.pk] or posts_by[m.pk] or m.pk in reacted]
    assert abs(percent(len(hyperactive), len(members)) - 15) <= 1, len(hyperactive)
    assert abs(percent(len(interacted), len(members)) - 37) <= 1, len(interacted)
    # Someone who did nothing in the first half really has no trace then.
    quiet = [m for m in members if m not in interacted]
    assert quiet and not Comment.objects.filter(user__in=quiet, **in_half).exists()

    # One seeding (slow) serves both checks: the threads also have what a demo needs.
    assert Comment.objects.filter(level=1).exists() and Comment.objects.filter(level=2).exists()
    assert Reaction.objects.filter(comment__isnull=False).exists()
    assert Reaction.objects.filter(page__isnull=False).exists()
    assert Comment.objects.filter(is_removed=True).exists()
    assert Comment.objects.filter(reports__isnull=False).exists()
