"""Comments at volume: a members-only group with 500 posts and 5,000 comments, a post's thread, posting a comment.

The data is made here through the ORM and the discussions services (the same at every scale), in a
group of its own so the demo's figures are untouched. Without the groups app the posts are news items.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from discussions import services
from discussions.models import Comment

POSTS = 500
COMMENTS_PER_POST = 10
GROUP_SLUG = "banc-essai-discussions"


def run(bench):
    members = list(get_user_model().objects.filter(is_superuser=False, is_staff=False).order_by("pk")[:40])
    if len(members) < 2:
        bench.note("No members: run seed_demo first.")
        return
    if apps.is_installed("groups"):
        container, posts = group_with_posts(members)
        bench.measure_get(
            f"group page, {POSTS} posts and {POSTS * COMMENTS_PER_POST} comments (member)",
            container.url,
            user=members[0],
            note="target: at most 25 queries (paginated)",
        )
    else:
        container, posts = news_with_items(members)
    fill_threads(posts, members)
    post = posts[0]
    comment_count = Comment.objects.on_pages(type(post).objects.filter(pk__in=[p.pk for p in posts])).count()
    bench.note(f"{len(posts)} posts, {comment_count} comments on them")
    bench.measure_get(f"post page with its thread of {COMMENTS_PER_POST} comments (member)", post.url, user=members[0])

    client = bench.client(members[1])
    url = reverse("discussions:post", args=[post.pk])

    def post_comment():
        response = client.post(url, {"comment": "Merci, **très utile** pour notre plateforme."})
        if response.status_code != 302:
            raise AssertionError(f"posting answered {response.status_code}")

    result = bench.measure("post a comment (member)", post_comment, note="target: median under 100 ms")
    bench.note(f"posting a comment: median {result.median_ms} ms (target < 100 ms)")
    if getattr(settings, "Q_CLUSTER", {}).get("sync"):
        bench.note("django-q2 runs tasks synchronously here: the time includes background work (notifications).")

    react_url = reverse("discussions:react-page", args=[post.pk])
    bench.measure(
        "toggle a reaction, JSON (member)",
        lambda: client.post(react_url, headers={"Accept": "application/json"}),
    )


def group_with_posts(members):
    from groups.models import GroupCategory, GroupIndexPage, GroupPage, GroupPostPage, Membership
    from groups.services import publish_post

    group = GroupPage.objects.filter(slug=GROUP_SLUG).first()
    if group is None:
        index = GroupIndexPage.objects.first()
        category = GroupCategory.objects.order_by("sort_order").first()
        group = GroupPage(
            title="Banc d'essai des discussions",
            slug=GROUP_SLUG,
            visibility=GroupPage.Visibility.MEMBERS,
            category=category,
            description="<p>Groupe de mesure.</p>",
        )
        index.add_child(instance=group)
        group.refresh_from_db()
        for member in members:
            Membership.objects.get_or_create(user=member, group=group, defaults={"status": Membership.Status.ACTIVE})
    posts = list(GroupPostPage.objects.child_of(group).live().order_by("path"))
    with transaction.atomic():
        for number in range(len(posts), POSTS):
            post, _created = publish_post(
                group=group,
                author=members[number % len(members)],
                title=f"Publication de mesure {number + 1}",
                body="<p>Texte de la publication.</p>",
            )
            posts.append(post)
    return group, posts


def news_with_items(members):
    from news.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.first()
    posts = list(NewsPage.objects.child_of(index).live().order_by("path")[:POSTS])
    with transaction.atomic():
        for number in range(len(posts), POSTS):
            item = index.add_child(instance=NewsPage(title=f"Actualité de mesure {number + 1}"))
            posts.append(item)
    return index, posts


def fill_threads(posts, members):
    """Ten comments per post: a first comment, replies and replies to replies, by the group's members."""
    with transaction.atomic():
        for post_number, post in enumerate(posts):
            existing = Comment.objects.on_page(post).count()
            previous = None
            for number in range(existing, COMMENTS_PER_POST):
                author = members[(post_number + number) % len(members)]
                parent = previous if previous is not None and previous.level < 2 and number % 3 else None
                previous = services.add_comment(post, author, f"Commentaire {number + 1}", parent=parent)
