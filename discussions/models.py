"""Comments, reactions and reports on any page of the portal.

Comments are django-comments-xtd's threaded ``XtdComment`` rows; ``Comment`` is a
proxy that adds the portal's visibility rule and the URL of a comment on its page,
so every app asks the same question the same way: ``Comment.objects.visible_to(user)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment, XtdCommentManager
from wagtail.models import Page

from portal.pages import PortalPageQuerySet


class CommentQuerySet(models.QuerySet):
    def on_page(self, page: Page) -> CommentQuerySet:
        return self.filter(content_type_id=page.content_type_id, object_pk=str(page.pk))

    def on_pages(self, pages: models.QuerySet) -> CommentQuerySet:
        """Comments whose page is in ``pages`` (a page queryset), as SQL subqueries.

        Two uncorrelated IN subqueries rather than a correlated EXISTS: SQLite runs the
        latter once per comment (about 40 times slower with a few thousand comments).
        """
        page_rows = pages.order_by()
        return self.filter(
            content_type_id__in=page_rows.values("content_type_id"),
            object_pk__in=page_rows.annotate(pk_text=Cast("pk", CharField())).values("pk_text"),
        )

    def visible_to(self, user) -> CommentQuerySet:
        """Published comments on live pages the user may read (the portal's one page rule)."""
        return self.filter(is_public=True).on_pages(PortalPageQuerySet(Page).visible_to(user))

    def by_author(self, user) -> CommentQuerySet:
        return self.filter(user=user)


class Comment(XtdComment):
    """A comment on a portal page: the content object is always a Wagtail page."""

    objects = XtdCommentManager.from_queryset(CommentQuerySet)()

    class Meta:
        proxy = True
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.user_name}: {self.comment[:50]}"

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @cached_property
    def page(self) -> Page:
        return Page.objects.get(pk=self.object_pk).specific

    def get_absolute_url(self) -> str:
        return f"{self.page.get_url()}#{self.anchor}"


class Reaction(models.Model):
    """A member's "J'aime" on a page or on a comment: at most one per member and target."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("member")
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("page")
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("comment")
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=False, comment__isnull=True) | Q(page__isnull=True, comment__isnull=False),
                name="reaction_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "page"], condition=Q(page__isnull=False), name="one_reaction_per_member_and_page"
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="one_reaction_per_member_and_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.page_id or self.comment_id}"


class CommentReport(models.Model):
    """A member tells the moderators a comment breaks the rules, and why; one report per member and comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insulting or abusive")
        PERSONAL_DATA = "personal_data", _("Personal or confidential information")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(max_length=20, choices=Reason.choices, verbose_name=_("reason"))
    details = models.TextField(blank=True, max_length=1000, verbose_name=_("details"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member_and_comment")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.comment_id})"
