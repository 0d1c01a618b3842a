"""The rules of notifications: what happened, who it reaches and how, and how it is mailed.

Who may see an item is never decided here: pages go through ``portal.pages`` (the
``visible_to`` queryset), documents through the document model's ``visible_to``, and
membership requests through ``groups.rules``. Each email re-asks those questions when it
is built, so an item that became private since it was published is left out.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from groups import rules as group_rules
from groups.models import GroupPage, GroupPostPage, Membership
from notifications.models import (
    Activity,
    Delivery,
    Frequency,
    GroupFrequency,
    GroupNotificationDefault,
    GroupSubscription,
    ImportantAnnouncement,
    Kind,
    Notification,
    NotificationPreference,
    ThreadSubscription,
)
from portal.pages import PortalPageQuerySet
from portal.roles import is_communication_staff

logger = logging.getLogger(__name__)

EXCERPT_WORDS = 40
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_SCOPES = {"group", "kind", "news", "thread", "all"}


# Settings of a reader.


def preference_of(user) -> NotificationPreference:
    return NotificationPreference.objects.get_or_create(user=user)[0]


def preferences_for(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Saved settings, or the defaults (unsaved) for readers who never changed them."""
    user_ids = list(user_ids)
    saved = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    return {pk: saved.get(pk) or NotificationPreference(user_id=pk) for pk in user_ids}


def email_mode_for(
    activity: Activity, preference: NotificationPreference, subscription: GroupSubscription | None
) -> str | None:
    """How an item reaches one reader: a ``Frequency`` (``never``: in the centre only), or None."""
    if activity.important:
        return Frequency.IMMEDIATE
    if activity.group_id is None and activity.kind != Kind.REPLY:
        return preference.news_frequency
    switches = subscription or preference
    if not switches.covers(activity.kind):
        return None
    if subscription is None or subscription.frequency == GroupFrequency.INHERIT:
        return preference.frequency
    return subscription.frequency


def apply_group_default(membership: Membership) -> GroupSubscription | None:
    """Give a new member the frequency the group's managers chose (their own choice, if any, wins)."""
    default = GroupNotificationDefault.objects.filter(group_id=membership.group_id).first()
    if default is None or default.frequency == GroupFrequency.INHERIT:
        return None
    subscription, _created = GroupSubscription.objects.get_or_create(
        user_id=membership.user_id, group_id=membership.group_id, defaults={"frequency": default.frequency}
    )
    return subscription


def set_group_default(manager, group: GroupPage, frequency: str) -> GroupNotificationDefault:
    if not group_rules.can_manage_members(manager, group):
        raise PermissionError("Only the group's managers set its default.")
    default, _created = GroupNotificationDefault.objects.update_or_create(
        group=group, defaults={"frequency": frequency, "updated_by": manager}
    )
    return default


# Threads: the comments on one page.


def follow_thread(user, page: Page, following: bool = True) -> ThreadSubscription:
    subscription, _created = ThreadSubscription.objects.update_or_create(
        user=user, page=page, defaults={"following": following}
    )
    return subscription


def start_following(user_id: int, page_id: int) -> None:
    """Authors and commenters follow a thread, unless they muted it before."""
    ThreadSubscription.objects.get_or_create(user_id=user_id, page_id=page_id)


def is_following(user, page: Page) -> bool:
    return ThreadSubscription.objects.filter(user=user, page=page, following=True).exists()


# Recording what happened (each function is idempotent: tasks may run twice).


def group_of(page: Page) -> GroupPage | None:
    return GroupPage.objects.ancestor_of(page).first()


def excerpt_of(text: str) -> str:
    return Truncator(strip_tags(text or "").strip()).words(EXCERPT_WORDS)


FRESH_FOR = timedelta(days=2)


def is_fresh(moment: datetime | None) -> bool:
    """Content dated more than two days back (an import, an archive, back-dated demo data) is not news."""
    return moment is None or moment >= timezone.now() - FRESH_FOR


def record_page_published(page_id: int, *, connection=None) -> Activity | None:
    """A post, a news item or an event published for the first time (republishing is not news)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not is_fresh(page.first_published_at):
        return None
    return announce_page(page.specific, connection=connection)


def announce_page(page: Page, *, connection=None) -> Activity | None:
    kind = _page_kind(page)
    if kind is None or Activity.objects.filter(key=f"page:{page.pk}").exists():
        return None
    if isinstance(page, GroupPostPage) and page.owner_id:
        start_following(page.owner_id, page.pk)
    activity, created = Activity.objects.get_or_create(
        key=f"page:{page.pk}",
        defaults={
            "kind": kind,
            "page": page,
            "group": group_of(page),
            "actor_id": page.owner_id,
            "title": page.title,
            "excerpt": excerpt_of(getattr(page, "excerpt", "") or getattr(page, "body", "")),
            "url": page.url or "",
            "created_at": page.first_published_at or timezone.now(),
        },
    )
    if created:
        dispatch(activity, connection=connection)
    return activity


def _page_kind(page: Page) -> str | None:
    if isinstance(page, GroupPostPage):
        return Kind.POST
    label = page._meta.label
    if label == "events.EventPage":
        return Kind.EVENT
    if label == "news.NewsPage":
        return Kind.NEWS
    return None


def record_comment(comment_id: int, *, connection=None) -> Activity | None:
    from discussions.models import Comment

    comment = Comment.objects.filter(pk=comment_id, is_public=True, is_removed=False).first()
    if comment is None or not is_fresh(comment.submit_date):
        return None
    return announce_comment(comment, connection=connection)


def announce_comment(comment, *, connection=None) -> Activity | None:
    """A new comment, for the thread's followers; the commenter starts following it."""
    if not comment.object_pk.isdigit():
        return None
    page = Page.objects.filter(pk=int(comment.object_pk)).first()
    if page is None:
        return None
    if comment.user_id:
        start_following(comment.user_id, page.pk)
    activity, created = Activity.objects.get_or_create(
        key=f"comment:{comment.pk}",
        defaults={
            "kind": Kind.REPLY,
            "page": page,
            "comment_id": comment.pk,
            "group": group_of(page),
            "actor_id": comment.user_id,
            "title": page.title,
            "excerpt": excerpt_of(comment.comment),
            "url": f"{page.url or ''}#{comment.anchor}",
            "created_at": comment.submit_date,
        },
    )
    if created:
        dispatch(activity, connection=connection)
    return activity


def record_document(document_id: int) -> Activity | None:
    """A document added to a group's library (documents elsewhere are not announced)."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not is_fresh(document.created_at):
        return None
    group = GroupPage.objects.filter(collection_id=document.collection_id).first()
    if group is None:
        return None
    activity, created = Activity.objects.get_or_create(
        key=f"document:{document.pk}",
        defaults={
            "kind": Kind.DOCUMENT,
            "document": document,
            "group": group,
            "actor_id": document.uploaded_by_user_id,
            "title": document.title,
            "url": document.url,
            "created_at": document.created_at,
        },
    )
    if created:
        dispatch(activity)
    return activity


def record_membership_request(membership_id: int) -> Activity | None:
    membership = (
        Membership.objects.filter(pk=membership_id, status=Membership.Status.PENDING)
        .select_related("user", "group")
        .first()
    )
    if membership is None:
        return None
    activity, created = Activity.objects.get_or_create(
        key=f"membership:{membership.pk}",
        defaults={
            "kind": Kind.MEMBERSHIP_REQUEST,
            "membership": membership,
            "group": membership.group,
            "actor": membership.user,
            "title": membership.user.get_full_name() or membership.user.get_username(),
            "url": f"{membership.group.url}membres/",
        },
    )
    if created:
        dispatch(activity)
    return activity


def can_announce(user) -> bool:
    """Who sends important announcements: communication staff."""
    return is_communication_staff(user)


def announce_important(page: Page, sender, *, connection=None) -> ImportantAnnouncement:
    """Communication sends a page to every member who may read it, at once, whatever their settings."""
    if not can_announce(sender):
        raise PermissionError("Only Communication staff send important announcements.")
    page = page.specific
    activity, _created = Activity.objects.update_or_create(
        key=f"page:{page.pk}",
        defaults={"important": True},
        create_defaults={
            "kind": _page_kind(page) or Kind.NEWS,
            "page": page,
            "group": group_of(page),
            "actor": sender,
            "title": page.title,
            "excerpt": excerpt_of(getattr(page, "excerpt", "") or getattr(page, "body", "")),
            "url": page.url or "",
            "important": True,
        },
    )
    reached = dispatch(activity, connection=connection)
    return ImportantAnnouncement.objects.create(page=page, activity=activity, sent_by=sender, recipient_count=reached)


# Who an item reaches.


def candidate_recipients(activity: Activity) -> QuerySet:
    """Readers the item concerns before their settings and the permission rules are applied."""
    active = get_user_model().objects.filter(is_active=True)
    if activity.important:
        return active
    others = active.exclude(pk=activity.actor_id) if activity.actor_id else active
    if activity.kind == Kind.REPLY:
        followers = ThreadSubscription.objects.filter(page_id=activity.page_id, following=True)
        return others.filter(pk__in=followers.values("user_id"))
    if activity.group_id is None:
        return others
    members = Membership.objects.filter(group_id=activity.group_id, status=Membership.Status.ACTIVE)
    if activity.kind == Kind.MEMBERSHIP_REQUEST:
        members = members.filter(role=Membership.Role.MANAGER)
    return others.filter(pk__in=members.values("user_id"))


def dispatch(activity: Activity, *, connection=None) -> int:
    """Put the item in the centre of every reader it reaches and mail those who want it at once.

    Returns the number of readers reached. Re-running it adds nobody twice.
    """
    recipients = list(candidate_recipients(activity).order_by("pk"))
    preferences = preferences_for(user.pk for user in recipients)
    subscriptions = {}
    if activity.group_id:
        subscriptions = {
            s.user_id: s
            for s in GroupSubscription.objects.filter(group_id=activity.group_id, user__in=[u.pk for u in recipients])
        }
    visibility = Visibility(recipients, [activity])
    reached = []
    for user in recipients:
        mode = email_mode_for(activity, preferences[user.pk], subscriptions.get(user.pk))
        if mode is not None and visibility.items_for(user, [activity]):
            reached.append((user, mode))
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, activity=activity, email_mode=mode, created_at=activity.created_at)
            for user, mode in reached
        ],
        ignore_conflicts=True,
    )
    if activity.important:
        Notification.objects.filter(activity=activity).update(email_mode=Frequency.IMMEDIATE)
    forget_unread_counts(user.pk for user, _mode in reached)
    at_once = [user for user, mode in reached if mode == Frequency.IMMEDIATE]
    if at_once:
        fragments: dict = {}
        with _open(connection) as smtp:
            for user in at_once:
                batch = f"immediate:{activity.pk}"
                deliver(user, preferences[user.pk], [activity], batch=batch, connection=smtp, fragments=fragments)
    return len(reached)


class Visibility:
    """Which items each reader may see now, by the portal's page, document and group rules.

    ``portal.pages`` and the document model's ``visible_to`` decide from two facts about
    a reader: superuser or not, and which of the Django groups named in view restrictions
    they belong to. Readers who share those facts (an audience) see the same pages and
    documents, so the rules run once per audience and set of items, not once per reader:
    a digest for 1,500 readers costs queries per combination of private groups.
    Membership requests depend on the reader's own role and are asked per reader.
    """

    def __init__(self, users: Sequence, activities: Sequence[Activity]):
        self.page_ids = {a.page_id for a in activities if a.page_id and a.kind != Kind.MEMBERSHIP_REQUEST}
        self.document_ids = {a.document_id for a in activities if a.document_id}
        restricting = set(PageViewRestriction.groups.through.objects.values_list("group_id", flat=True))
        restricting |= set(CollectionViewRestriction.groups.through.objects.values_list("group_id", flat=True))
        groups_of: dict[int, set[int]] = {user.pk: set() for user in users}
        user_groups = get_user_model().groups.through.objects.filter(user_id__in=list(groups_of))
        for user_id, group_id in user_groups.filter(group_id__in=restricting).values_list("user_id", "group_id"):
            groups_of[user_id].add(group_id)
        self.audience_of = {user.pk: (user.is_superuser, frozenset(groups_of[user.pk])) for user in users}
        self.answers: dict[tuple, tuple[set[int], set[int]]] = {}

    def items_for(self, user, activities: Sequence[Activity]) -> list[Activity]:
        if not user.is_active:
            return []
        audience = self.audience_of[user.pk]
        if audience not in self.answers:
            self.answers[audience] = (self._visible_pages(user), self._visible_documents(user))
        pages, documents = self.answers[audience]
        return [a for a in activities if _is_visible(a, user, pages, documents)]

    def _visible_pages(self, user) -> set[int]:
        if not self.page_ids:
            return set()
        pages = PortalPageQuerySet(Page).filter(pk__in=self.page_ids).visible_to(user)
        return set(pages.values_list("pk", flat=True))

    def _visible_documents(self, user) -> set[int]:
        if not self.document_ids:
            return set()
        documents = get_document_model().objects.filter(pk__in=self.document_ids).visible_to(user)
        return set(documents.values_list("pk", flat=True))


def visible_items(user, activities: Sequence[Activity]) -> list[Activity]:
    """The items one reader may see now (see ``Visibility``)."""
    return Visibility([user], activities).items_for(user, activities)


def _is_visible(activity: Activity, user, visible_pages: set[int], visible_documents: set[int]) -> bool:
    if activity.kind == Kind.MEMBERSHIP_REQUEST:
        return activity.membership.status == Membership.Status.PENDING and group_rules.can_manage_members(
            user, activity.group
        )
    if activity.document_id:
        return activity.document_id in visible_documents
    if activity.comment_id and (not activity.comment.is_public or activity.comment.is_removed):
        return False
    return activity.page_id in visible_pages


# The in-app centre.


def unread_count_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    """Cached per member (a minute at most), dropped whenever their notifications change."""
    key = unread_count_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user).unread().count()
        cache.set(key, count, settings.NOTIFICATIONS_UNREAD_COUNT_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    cache.delete_many([unread_count_key(pk) for pk in user_ids])


def notification_centre(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related(
        "activity", "activity__group", "activity__actor", "activity__comment", "activity__membership"
    )


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, without ids, all) of the member's notifications read."""
    unread = Notification.objects.filter(recipient=user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    forget_unread_counts([user.pk])
    return changed


# Unsubscribe links: signed, with a maximum age, usable without signing in.


def unsubscribe_token(user, scope: str, target: str | int = "") -> str:
    return signing.dumps({"u": user.pk, "s": scope, "t": str(target)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user, scope: str, target: str | int = "") -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, scope, target)]))


@dataclass(frozen=True)
class Unsubscription:
    user: object
    scope: str
    target: str

    @property
    def group(self) -> GroupPage | None:
        return GroupPage.objects.filter(pk=self.target).first() if self.scope == "group" else None

    @property
    def page(self) -> Page | None:
        return Page.objects.filter(pk=self.target).first() if self.scope == "thread" else None

    @property
    def kind_label(self) -> str:
        return Kind(self.target).label if self.scope == "kind" else ""


def read_unsubscribe_token(token: str) -> Unsubscription:
    """Raises ``signing.BadSignature`` (``SignatureExpired`` included) for any link we did not make."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE)
    scope, target = data.get("s"), data.get("t", "")
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    valid_target = {
        "group": str(target).isdigit(),
        "thread": str(target).isdigit(),
        "kind": target in NotificationPreference.KIND_FIELDS,
        "news": True,
        "all": True,
    }
    if user is None or scope not in UNSUBSCRIBE_SCOPES or not valid_target[scope]:
        raise signing.BadSignature("Unknown reader or scope.")
    return Unsubscription(user, scope, str(target))


def unsubscribe(unsubscription: Unsubscription) -> None:
    user, scope, target = unsubscription.user, unsubscription.scope, unsubscription.target
    preference = preference_of(user)
    if scope == "group":
        GroupSubscription.objects.update_or_create(user=user, group_id=int(target), defaults={"frequency": "never"})
    elif scope == "thread":
        ThreadSubscription.objects.update_or_create(user=user, page_id=int(target), defaults={"following": False})
    elif scope == "kind":
        field_name = NotificationPreference.KIND_FIELDS[target]
        setattr(preference, field_name, False)
        preference.save(update_fields=[field_name])
        GroupSubscription.objects.filter(user=user).update(**{field_name: False})
    elif scope == "news":
        preference.news_frequency = Frequency.NEVER
        preference.save(update_fields=["news_frequency"])
    else:
        preference.frequency = preference.news_frequency = Frequency.NEVER
        preference.save(update_fields=["frequency", "news_frequency"])
        GroupSubscription.objects.filter(user=user).update(frequency=GroupFrequency.NEVER)


# Emails.


def absolute_url(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.NOTIFICATIONS_BASE_URL.rstrip('/')}{path}"


@dataclass
class GroupSection:
    """A digest's items of one group (or of the portal, ``group`` None), with their count."""

    group: GroupPage | None
    items: list[Activity] = field(default_factory=list)
    stop_url: str = ""

    @property
    def count(self) -> int:
        return len(self.items)


def build_email(
    user, preference: NotificationPreference, items: Sequence[Activity], *, mode: str, fragments: dict | None = None
):
    """A multipart (text and HTML) email in the reader's language, with one-click unsubscribe headers.

    An item reads the same for every reader of a language: ``fragments`` keeps its rendered
    text and HTML across a batch, so a digest run renders each item once per language.
    """
    fragments = {} if fragments is None else fragments
    with translation.override(preference.language):
        sections: dict[int | None, GroupSection] = {}
        for item in items:
            item.link = absolute_url(item.url)
            item.text, item.html = _item_fragments(item, preference.language, fragments)
            section = sections.setdefault(item.group_id, GroupSection(item.group))
            section.items.append(item)
        for section in sections.values():
            if section.group is not None:
                section.stop_url = unsubscribe_url(user, "group", section.group.pk)
            elif not any(item.important for item in section.items):
                section.stop_url = unsubscribe_url(user, "news")
        header_scope = _list_unsubscribe_scope(items, mode)
        stop_url = unsubscribe_url(user, *header_scope) if header_scope else ""
        context = {
            "recipient": user,
            "mode": mode,
            "items": items,
            "sections": sorted(sections.values(), key=lambda s: (s.group is not None, s.group and s.group.title)),
            # The footer's "emails like this one" link, unless it is the "all emails" one already.
            "stop_url": stop_url if header_scope and header_scope[0] != "all" else "",
            "stop_all_url": unsubscribe_url(user, "all"),
            "kind_stops": [
                (Kind(kind).label, unsubscribe_url(user, "kind", kind))
                for kind in sorted({item.kind for item in items if item.kind in NotificationPreference.KIND_FIELDS})
            ],
            "settings_url": absolute_url(reverse("notifications:settings")),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        template = "digest" if mode in (Frequency.DAILY, Frequency.WEEKLY) else "immediate"
        subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if stop_url:
        headers["List-Unsubscribe"] = f"<{stop_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, settings.NOTIFICATIONS_FROM_EMAIL, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _item_fragments(item: Activity, language: str, fragments: dict) -> tuple[str, str]:
    key = (item.pk, language)
    if key not in fragments:
        context = {"item": item}
        fragments[key] = (
            render_to_string("notifications/email/item.txt", context),
            render_to_string("notifications/email/item.html", context),
        )
    return fragments[key]


def _list_unsubscribe_scope(items: Sequence[Activity], mode: str) -> tuple[str, str | int] | None:
    """What the mail client's "unsubscribe" button stops: this email's group, kind or thread, or all digests."""
    if mode in (Frequency.DAILY, Frequency.WEEKLY):
        return ("all", "")
    item = items[0]
    if item.important:
        return None
    if item.kind == Kind.REPLY:
        return ("thread", item.page_id)
    if item.kind == Kind.MEMBERSHIP_REQUEST:
        return ("kind", Kind.MEMBERSHIP_REQUEST)
    if item.group_id:
        return ("group", item.group_id)
    return ("news", "")


def deliver(
    user, preference, items: Sequence[Activity], *, batch: str, connection, fragments: dict | None = None
) -> str | None:
    """Claim the items for this reader, then mail them; returns the deliveries' status (None: nothing to send).

    Claiming first (an insert, unique per reader and item) means a retry, a second worker
    or a restarted batch never mails an item twice: what a killed run had claimed stays
    claimed and is not sent again.
    """
    claim = uuid.uuid4()
    Delivery.objects.bulk_create(
        [Delivery(recipient_id=user.pk, activity=item, batch=batch, claim=claim) for item in items],
        ignore_conflicts=True,
    )
    ours = set(Delivery.objects.filter(recipient_id=user.pk, claim=claim).values_list("activity_id", flat=True))
    items = [item for item in items if item.pk in ours]
    if not items:
        return None
    deliveries = Delivery.objects.filter(recipient_id=user.pk, claim=claim)
    try:
        validate_email(user.email)
    except ValidationError:
        logger.warning("Notification email skipped: invalid address %r for user %s", user.email, user.pk)
        deliveries.update(status=Delivery.Status.FAILED, error="invalid address")
        return Delivery.Status.FAILED
    message = build_email(user, preference, items, mode=batch.split(":", 1)[0], fragments=fragments)
    try:
        connection.send_messages([message])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        logger.warning("Notification email to user %s refused: %s", user.pk, error)
        deliveries.update(status=Delivery.Status.FAILED, error=str(error)[:1000])
        return Delivery.Status.FAILED
    except Exception:
        # The server is unreachable: release the claim so the next run sends it.
        deliveries.delete()
        raise
    deliveries.update(status=Delivery.Status.SENT, sent_at=timezone.now())
    return Delivery.Status.SENT


class _open:
    """One connection to the email backend for a whole batch (opened here unless given)."""

    def __init__(self, connection=None):
        self.given = connection
        self.connection = connection or get_connection()

    def __enter__(self):
        if self.given is None:
            self.connection.open()
        return self.connection

    def __exit__(self, *exc):
        if self.given is None:
            self.connection.close()


# Digests.


@dataclass(frozen=True)
class DueDigest:
    mode: str
    batch: str
    cutoff: datetime  # items notified before this moment go in the digest


def due_digests(now: datetime | None = None) -> list[DueDigest]:
    """The digests whose time has come, at the configured hour in Europe/Paris whatever the season.

    The hour is read on the local clock, so it stays at 07:00 in Paris across the
    daylight-saving changes; a run missed (worker down) catches up later the same day (week).
    """
    local = timezone.localtime(now or timezone.now())
    hour = settings.NOTIFICATIONS_DAILY_HOUR
    due = []
    daily_at = timezone.make_aware(datetime.combine(local.date(), time(hour)))
    if local >= daily_at:
        due.append(DueDigest(Frequency.DAILY, f"daily:{local.date().isoformat()}", daily_at))
    week_day = local.date() - timedelta(days=(local.weekday() - settings.NOTIFICATIONS_WEEKLY_DAY) % 7)
    weekly_at = timezone.make_aware(datetime.combine(week_day, time(hour)))
    if local >= weekly_at:
        due.append(DueDigest(Frequency.WEEKLY, f"weekly:{week_day.isoformat()}", weekly_at))
    return due


def pending_digest_notifications(digest: DueDigest) -> QuerySet[Notification]:
    """Items waiting for this digest: notified before its time, never mailed, reader not yet served."""
    lookback = timedelta(days=settings.NOTIFICATIONS_DIGEST_LOOKBACK_DAYS)
    return (
        Notification.objects.filter(
            email_mode=digest.mode,
            created_at__lt=digest.cutoff,
            created_at__gte=digest.cutoff - lookback,
            recipient__is_active=True,
        )
        .exclude(Exists(Delivery.objects.filter(recipient_id=OuterRef("recipient_id"), activity=OuterRef("activity"))))
        .exclude(recipient__in=Delivery.objects.filter(batch=digest.batch).values("recipient_id"))
        .select_related(
            "recipient", "activity", "activity__group", "activity__actor", "activity__comment", "activity__membership"
        )
        .order_by("recipient_id", "activity__created_at", "activity_id")
    )


@dataclass
class DigestReport:
    sent: int = 0
    failed: int = 0
    empty: int = 0


def send_digest(digest: DueDigest, *, connection=None) -> DigestReport:
    report = DigestReport()
    by_recipient: dict[int, list[Notification]] = {}
    for notification in pending_digest_notifications(digest):
        by_recipient.setdefault(notification.recipient_id, []).append(notification)
    if not by_recipient:
        return report
    preferences = preferences_for(by_recipient)
    recipients = [notifications[0].recipient for notifications in by_recipient.values()]
    visibility = Visibility(recipients, [n.activity for notifications in by_recipient.values() for n in notifications])
    fragments: dict = {}
    with _open(connection) as smtp:
        for user_id, notifications in by_recipient.items():
            user = notifications[0].recipient
            items = visibility.items_for(user, [n.activity for n in notifications])
            status = None
            if items:
                status = deliver(
                    user, preferences[user_id], items, batch=digest.batch, connection=smtp, fragments=fragments
                )
            if status == Delivery.Status.SENT:
                report.sent += 1
            elif status == Delivery.Status.FAILED:
                report.failed += 1
            else:
                report.empty += 1
    logger.info("Digest %s: %s sent, %s failed, %s with nothing to send", digest.batch, *vars(report).values())
    return report


def send_due_digests(now: datetime | None = None, *, connection=None) -> dict[str, DigestReport]:
    return {digest.batch: send_digest(digest, connection=connection) for digest in due_digests(now)}


def managed_groups(user) -> QuerySet[GroupPage]:
    """Groups whose default for new members this user sets."""
    return GroupPage.objects.live().filter(
        memberships__user=user,
        memberships__role=Membership.Role.MANAGER,
        memberships__status=Membership.Status.ACTIVE,
    )


def announceable_pages():
    """Recent news: the important announcements are news items of the last two months."""
    NewsPage = apps.get_model("news", "NewsPage")
    since = timezone.now() - timedelta(days=60)
    return NewsPage.objects.live().filter(first_published_at__gte=since).order_by("-first_published_at")
