"""What reaches each reader: their settings, what happened, and what was delivered to whom.

Authors never pick recipients. Something happens (an ``Activity``: a post, a reply, a
document, an event, a membership request, a news item); each reader's
``NotificationPreference`` and ``GroupSubscription`` decide whether it reaches them and
how often. The in-app centre shows ``Notification`` rows; every email that lists an item
first claims a ``Delivery`` row, unique per reader and item, so nothing is mailed twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.documents import get_document_model_string


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")
    NEVER = "never", _("never")


class GroupFrequency(models.TextChoices):
    INHERIT = "inherit", _("as my default")
    IMMEDIATE = "immediate", _("immediately")
    DAILY = "daily", _("daily digest")
    WEEKLY = "weekly", _("weekly digest")
    NEVER = "never", _("never")


class Kind(models.TextChoices):
    POST = "post", _("new posts")
    REPLY = "reply", _("replies in threads I follow")
    DOCUMENT = "document", _("new documents")
    EVENT = "event", _("new events")
    MEMBERSHIP_REQUEST = "membership_request", _("membership requests (managers)")
    NEWS = "news", _("portal news and agenda")


# How one item of each kind is named in lists and emails.
ITEM_LABELS = {
    Kind.POST: pgettext_lazy("notification item", "post"),
    Kind.REPLY: pgettext_lazy("notification item", "comment"),
    Kind.DOCUMENT: pgettext_lazy("notification item", "document"),
    Kind.EVENT: pgettext_lazy("notification item", "event"),
    Kind.MEMBERSHIP_REQUEST: pgettext_lazy("notification item", "membership request"),
    Kind.NEWS: pgettext_lazy("notification item", "news"),
}

# The kinds a reader switches on or off, per group and by default (news has its own frequency).
SUBSCRIBABLE_KINDS = [Kind.POST, Kind.REPLY, Kind.DOCUMENT, Kind.EVENT, Kind.MEMBERSHIP_REQUEST]


class KindSwitches(models.Model):
    """One switch per kind of item, shared by the default settings and each group's override."""

    posts = models.BooleanField(_("new posts"), default=True)
    replies = models.BooleanField(_("replies in threads I follow"), default=True)
    documents = models.BooleanField(_("new documents"), default=True)
    events = models.BooleanField(_("new events"), default=True)
    membership_requests = models.BooleanField(_("membership requests (managers)"), default=True)

    KIND_FIELDS = {
        Kind.POST: "posts",
        Kind.REPLY: "replies",
        Kind.DOCUMENT: "documents",
        Kind.EVENT: "events",
        Kind.MEMBERSHIP_REQUEST: "membership_requests",
    }

    class Meta:
        abstract = True

    def covers(self, kind: str) -> bool:
        return getattr(self, self.KIND_FIELDS[kind])


class NotificationPreference(KindSwitches):
    """A reader's defaults: how often group items reach them, and the portal's news channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("member"),
    )
    frequency = models.CharField(
        _("default frequency"), max_length=16, choices=Frequency.choices, default=Frequency.DAILY
    )
    news_frequency = models.CharField(
        _("portal news and agenda"),
        max_length=16,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        help_text=_("News and events of the whole network, outside groups."),
    )
    language = models.CharField(
        _("language of emails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class GroupSubscription(KindSwitches):
    """A reader's override for one group; without a row the defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_subscriptions",
        verbose_name=_("member"),
    )
    group = models.ForeignKey(
        "groups.GroupPage", on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("group")
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=GroupFrequency.choices, default=GroupFrequency.INHERIT
    )

    class Meta:
        verbose_name = _("group subscription")
        verbose_name_plural = _("group subscriptions")
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="notifications_one_subscription")]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class GroupNotificationDefault(models.Model):
    """The frequency a group's managers give its new members (e.g. immediately for a council)."""

    group = models.OneToOneField(
        "groups.GroupPage", on_delete=models.CASCADE, related_name="notification_default", verbose_name=_("group")
    )
    frequency = models.CharField(
        _("frequency for new members"), max_length=16, choices=GroupFrequency.choices, default=GroupFrequency.INHERIT
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("group notification default")
        verbose_name_plural = _("group notification defaults")

    def __str__(self) -> str:
        return f"{self.group}: {self.get_frequency_display()}"


class ThreadSubscription(models.Model):
    """Following (or having muted) the comments on one page; authors and commenters follow by default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_subscriptions")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page"))
    following = models.BooleanField(_("following"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("followed thread")
        verbose_name_plural = _("followed threads")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="notifications_one_thread_follow")]

    def __str__(self) -> str:
        return f"{self.user} · {self.page_id}"


class Activity(models.Model):
    """Something that happened and may interest readers; recorded once, whatever the number of readers.

    ``key`` ("page:12", "comment:7"…) makes recording idempotent: a retried task or a
    republished page finds the existing row.
    """

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        get_document_model_string(), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "django_comments_xtd.XtdComment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "groups.GroupPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    excerpt = models.TextField(_("excerpt"), blank=True)
    url = models.CharField(_("link"), max_length=500)
    important = models.BooleanField(_("important announcement"), default=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def kind_label(self) -> str:
        return ITEM_LABELS[self.kind]


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One item in a reader's notification centre; ``email_mode`` says how it is mailed to them."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("member")
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notifications")
    email_mode = models.CharField(_("email"), max_length=16, choices=Frequency.choices, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "activity"], name="notifications_once_in_app")]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_mode", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.activity}"


class Delivery(models.Model):
    """An item mailed to a reader: claimed (inserted) before sending, so it is never mailed twice.

    One row per reader and item on the email channel, whether it left alone or in a
    digest: a digest never repeats what an immediate email already carried.
    ``batch`` names the email ("immediate:42", "daily:2026-03-29") the item went in.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.CharField(max_length=40, db_index=True)
    claim = models.UUIDField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CLAIMED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [models.UniqueConstraint(fields=["recipient", "activity"], name="notifications_once_by_email")]
        indexes = [models.Index(fields=["batch", "recipient"])]

    def __str__(self) -> str:
        return f"{self.batch} → {self.recipient_id}: {self.get_status_display()}"


class ImportantAnnouncement(models.Model):
    """The log of each use of "important": who sent which page to every member, and when."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page"))
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="announcements")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("important announcement")
        verbose_name_plural = _("important announcements")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.page_id} · {self.sent_at:%Y-%m-%d %H:%M}"
