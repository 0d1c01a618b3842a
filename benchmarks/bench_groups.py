"""Groups at volume: a group page with 500 posts (paginated), the groups index, a document library, posting.

The 500 posts are made here, in a group of its own, so the demo's figures stay untouched; they are
added straight to the tree (no revision each) because only reading them is measured.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

POSTS = 500
GROUP_SLUG = "banc-essai-groupes"


def run(bench):
    from groups.models import GroupIndexPage

    members = list(get_user_model().objects.filter(is_superuser=False, is_staff=False).order_by("pk")[:30])
    index = GroupIndexPage.objects.first()
    if index is None or len(members) < 2:
        bench.note("No groups or members: run seed_demo first.")
        return
    group = group_with_posts(index, members)
    reader = members[0]
    first = bench.measure_get(
        f"group page, {POSTS} posts, first page (member)", group.url, user=reader, note="target: at most 25 queries"
    )
    last_page = (POSTS + 19) // 20
    bench.measure_get(f"group page, {POSTS} posts, page {last_page} (member)", f"{group.url}?page={last_page}", reader)
    bench.note(f"group page with {POSTS} posts: {first.queries} queries (target ≤ 25), median {first.median_ms} ms")
    bench.measure_get("groups index with activity (member)", index.url, user=reader)
    bench.measure_get("document library (member)", group.url + "documents/", user=reader)
    outsider_view = members_only_group_outsider()
    if outsider_view:
        bench.measure_get("members-only group seen by a non-member (description, join)", *outsider_view)
    bench.measure("publish a post with the form's service (member)", lambda: publish(group, members[1]), repeat=10)


def group_with_posts(index, members):
    from groups.models import GroupCategory, GroupPage, GroupPostPage, Membership

    group = GroupPage.objects.filter(slug=GROUP_SLUG).first()
    if group is None:
        group = GroupPage(
            title="Banc d'essai des groupes",
            slug=GROUP_SLUG,
            visibility=GroupPage.Visibility.MEMBERS,
            category=GroupCategory.objects.order_by("sort_order").first(),
            description="<p>Groupe de mesure.</p>",
        )
        index.add_child(instance=group)
        group.refresh_from_db()
        for position, member in enumerate(members):
            role = Membership.Role.MANAGER if position == 0 else Membership.Role.MEMBER
            Membership.objects.create(user=member, group=group, role=role)
    existing = GroupPostPage.objects.child_of(group).count()
    now = timezone.now()
    with transaction.atomic():
        for number in range(existing, POSTS):
            published = now - timedelta(hours=number)
            group.add_child(
                instance=GroupPostPage(
                    title=f"Billet de mesure {number + 1}",
                    slug=f"billet-{number + 1}",
                    body="<p>Texte de mesure.</p>",
                    owner=members[number % len(members)],
                    first_published_at=published,
                    last_published_at=published,
                )
            )
            group.refresh_from_db(fields=["numchild", "path"])
    return group


def members_only_group_outsider():
    from groups.models import GroupPage

    group = GroupPage.objects.live().filter(visibility=GroupPage.Visibility.MEMBERS).exclude(slug=GROUP_SLUG).first()
    if group is None:
        return None
    outsider = get_user_model().objects.filter(is_superuser=False).exclude(group_memberships__group=group).first()
    return (group.url, outsider) if outsider else None


def publish(group, author):
    from groups.services import publish_post

    publish_post(group=group, author=author, title="Billet publié pendant la mesure", body="Texte")
