"""Demo notification settings and a lively notification centre for `manage.py seed_demo`.

Readers get varied, deterministic settings (``ctx.rng``); the scientific council's managers
make "immediately" the default of its new members; authors and commenters follow their
threads. The latest posts, news and comments are announced as they would have been
(emails "sent" to a dummy backend, so seeding mails nobody), and one important
announcement appears in the log. Older demo content is not news (``services.is_fresh``).
"""

from __future__ import annotations

from django.apps import apps
from django.core.mail import get_connection

from notifications import services
from notifications.models import (
    Frequency,
    GroupFrequency,
    GroupNotificationDefault,
    Notification,
    NotificationPreference,
    ThreadSubscription,
)
from portal.demo import DemoContext

FREQUENCIES = [(Frequency.IMMEDIATE, 20), (Frequency.DAILY, 55), (Frequency.WEEKLY, 15), (Frequency.NEVER, 10)]
NEWS_FREQUENCIES = [(Frequency.DAILY, 30), (Frequency.WEEKLY, 60), (Frequency.NEVER, 10)]
RECENT_POSTS = 12
RECENT_NEWS = 3
RECENT_COMMENTS = 15


def seed(ctx: DemoContext) -> None:
    if NotificationPreference.objects.exists():
        ctx.say("  réglages de notifications déjà présents : rien à ajouter")
        return
    seed_preferences(ctx)
    seed_group_defaults()
    seed_thread_follows()
    announce_recent_content(ctx)


def pick(rng, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed_preferences(ctx: DemoContext) -> None:
    rng = ctx.rng
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user=member,
                frequency=pick(rng, FREQUENCIES),
                news_frequency=pick(rng, NEWS_FREQUENCIES),
                language="en" if rng.random() < 0.1 else "fr",
                documents=rng.random() < 0.8,
            )
            for member in ctx.progress(ctx.members, "réglages de notifications")
        ]
    )


def seed_group_defaults() -> None:
    from groups.models import GroupPage, Membership

    council = GroupPage.objects.filter(slug="conseil-scientifique").first()
    if council is None:
        return
    manager = (
        Membership.objects.filter(group=council, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE)
        .select_related("user")
        .first()
    )
    GroupNotificationDefault.objects.update_or_create(
        group=council,
        defaults={"frequency": GroupFrequency.IMMEDIATE, "updated_by": manager.user if manager else None},
    )


def seed_thread_follows() -> None:
    """Authors follow their posts and commenters the threads they took part in, as they would have."""
    from groups.models import GroupPostPage

    follows = {(owner, page) for page, owner in GroupPostPage.objects.live().values_list("pk", "owner_id") if owner}
    if apps.is_installed("discussions"):
        from discussions.models import Comment

        follows |= {
            (user, int(page))
            for page, user in Comment.objects.filter(user__isnull=False).values_list("object_pk", "user_id")
            if page.isdigit()
        }
    ThreadSubscription.objects.bulk_create(
        [ThreadSubscription(user_id=user, page_id=page) for user, page in sorted(follows)], ignore_conflicts=True
    )


def announce_recent_content(ctx: DemoContext) -> None:
    from groups.models import GroupPostPage

    silent = get_connection("django.core.mail.backends.dummy.EmailBackend")
    recent_posts = GroupPostPage.objects.live().order_by("-first_published_at")[:RECENT_POSTS]
    for page in ctx.progress(list(recent_posts), "notifications des derniers billets"):
        services.announce_page(page, connection=silent)
    latest_news = []
    if apps.is_installed("news"):
        NewsPage = apps.get_model("news", "NewsPage")
        latest_news = list(NewsPage.objects.live().order_by("-first_published_at")[:RECENT_NEWS])
        for page in latest_news:
            services.announce_page(page, connection=silent)
    if apps.is_installed("discussions"):
        from discussions.models import Comment

        for comment in Comment.objects.filter(is_public=True, is_removed=False).order_by("-submit_date")[
            :RECENT_COMMENTS
        ]:
            services.announce_comment(comment, connection=silent)
    if latest_news and ctx.staff:
        services.announce_important(latest_news[0], ctx.staff[0], connection=silent)
    # A third of what reached each reader has been read already.
    read = list(Notification.objects.order_by("pk").values_list("pk", flat=True))[::3]
    Notification.objects.filter(pk__in=read).update(read_at=ctx.now)
    services.forget_unread_counts(member.pk for member in ctx.members)
