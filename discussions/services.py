"""The rules of discussions: who reads, writes, edits and moderates comments, and reactions.

Reading a comment is reading its page: ``portal.pages.is_visible_to`` decides, so a
comment in a private group is readable exactly by those who can read the group.
Views, templates, the groups activity stream, search and notification emails call
these functions rather than repeating a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import max_thread_level_for_content_type
from wagtail.models import Page

from discussions.models import Comment, CommentReport, Reaction
from portal.pages import is_visible_to
from portal.roles import is_communication_staff

# django_comments' flag log records moderators' deletions and approvals; authors' own deletions join it.
AUTHOR_DELETION = "author deletion"
AUTHOR_EDIT = "author edit"


class ThreadLevelExceeded(ValueError):
    """A reply to a comment that is already at the deepest level of its thread."""


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_comment(user, page: Page) -> bool:
    return is_member(user) and is_visible_to(page, user)


def can_moderate_page(user, page: Page) -> bool:
    """Superusers, Communication staff, and the moderators and managers of the page's group."""
    return can_comment(user, page) and _moderates(user, page)


def _moderates(user, page: Page) -> bool:
    if is_communication_staff(user):
        return True
    if apps.is_installed("groups"):
        from groups.models import GroupPage
        from groups.rules import can_moderate

        group = GroupPage.objects.ancestor_of(page).live().last()
        return group is not None and can_moderate(user, group)
    return False


def can_edit_comment(user, comment: Comment) -> bool:
    return is_member(user) and comment.user_id == user.pk and not comment.is_removed and can_comment(user, comment.page)


def can_moderate_comment(user, comment: Comment) -> bool:
    return can_moderate_page(user, comment.page)


def visible_comments(viewer) -> QuerySet[Comment]:
    """Published comments on pages the viewer can read, removed ones included (they keep their place)."""
    return Comment.objects.visible_to(viewer)


def recent_comments(pages: QuerySet[Page], limit: int) -> list[Comment]:
    """The latest comments still shown on these pages, each with its ``page`` loaded in one extra query.

    The pages are base ``Page`` rows (title, path, URL): activity streams need nothing specific.
    """
    comments = list(
        Comment.objects.filter(is_public=True, is_removed=False)
        .on_pages(pages)
        .select_related("user")
        .order_by("-submit_date")[:limit]
    )
    pages_by_pk = {str(page.pk): page for page in Page.objects.filter(pk__in=[c.object_pk for c in comments])}
    for comment in comments:
        comment.__dict__["page"] = pages_by_pk[comment.object_pk]
    return comments


@dataclass
class Thread:
    """What a page's comment section shows one viewer."""

    page: Page
    comments: list[Comment]
    count: int
    can_comment: bool
    can_moderate: bool
    max_level: int
    page_reactions: int = 0
    page_reacted: bool = False
    roots: list[Comment] = field(default_factory=list)


def comments_for(page: Page, viewer) -> Thread:
    """The page's thread in reading order, each comment annotated with its reactions, in one query.

    Every comment gets ``replies`` (its direct answers), ``reaction_count``, ``viewer_reacted``,
    ``deleted_by_author``, ``edited_at`` (the author's last edit), ``viewer_can_edit`` and ``viewer_can_reply``.
    """
    if not is_visible_to(page, viewer):
        return Thread(page, [], 0, False, False, 0)
    comments = list(
        Comment.objects.on_page(page)
        .filter(is_public=True)
        .select_related("user")
        .annotate(
            reaction_count=_reaction_count("comment"),
            viewer_reacted=_reacted_by(viewer, "comment"),
            deleted_by_author=Exists(CommentFlag.objects.filter(comment=OuterRef("pk"), flag=AUTHOR_DELETION)),
            edited_at=Subquery(
                CommentFlag.objects.filter(comment=OuterRef("pk"), flag=AUTHOR_EDIT).values("flag_date")[:1]
            ),
        )
        .order_by("thread_id", "order")
    )
    max_level = max_thread_level_for_content_type(ContentType.objects.get_for_id(page.content_type_id))
    member = is_member(viewer)  # the page is visible: checked above
    by_pk = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.__dict__["page"] = page
        comment.replies = []
        comment.viewer_can_edit = member and comment.user_id == viewer.pk and not comment.is_removed
        comment.viewer_can_reply = member and comment.level < max_level
        parent = by_pk.get(comment.parent_id)
        if parent is None or parent is comment:
            roots.append(comment)
        else:
            parent.replies.append(comment)
    page_reactions, page_reacted = reactions_on_page(page, viewer)
    return Thread(
        page=page,
        comments=comments,
        count=sum(1 for comment in comments if not comment.is_removed),
        can_comment=member,
        can_moderate=member and _moderates(viewer, page),
        max_level=max_level,
        page_reactions=page_reactions,
        page_reacted=page_reacted,
        roots=roots,
    )


def add_comment(
    page: Page,
    author,
    text: str,
    *,
    parent: Comment | None = None,
    ip_address: str | None = None,
    submitted_at: datetime | None = None,
) -> Comment:
    """Publish a comment (or a reply to ``parent``) at once: members need no email confirmation.

    ``submitted_at`` back-dates imported or demo comments; it defaults to now.
    """
    if not can_comment(author, page):
        raise PermissionError("This member cannot comment on this page.")
    if parent is not None:
        if parent.content_type_id != page.content_type_id or parent.object_pk != str(page.pk):
            raise PermissionError("The reply is not on the parent's page.")
        if parent.level >= max_thread_level_for_content_type(parent.content_type):
            raise ThreadLevelExceeded()
    comment = Comment(
        content_type_id=page.content_type_id,
        object_pk=str(page.pk),
        site_id=settings.SITE_ID,
        user=author,
        user_name=(author.get_full_name() or author.get_username())[:50],
        user_email=author.email,
        comment=text,
        parent_id=parent.pk if parent else 0,
        ip_address=ip_address,
        followup=False,
        submit_date=submitted_at or timezone.now(),
    )
    with transaction.atomic():
        comment.save()
    comment.__dict__["page"] = page
    return comment


def edit_comment(user, comment: Comment, text: str) -> None:
    if not can_edit_comment(user, comment):
        raise PermissionError("Only the author edits a comment.")
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(comment=text)
        CommentFlag.objects.update_or_create(
            comment=comment, user=user, flag=AUTHOR_EDIT, defaults={"flag_date": timezone.now()}
        )
    comment.comment = text


def delete_own_comment(user, comment: Comment) -> None:
    """The author's deletion erases the text; the comment keeps its place so replies still make sense."""
    if not can_edit_comment(user, comment):
        raise PermissionError("Only the author deletes a comment.")
    # update() rather than save(): django-comments-xtd's pre_save hook would unpublish the replies.
    Comment.objects.filter(pk=comment.pk).update(is_removed=True, comment="")
    CommentFlag.objects.update_or_create(
        comment=comment, user=user, flag=AUTHOR_DELETION, defaults={"flag_date": timezone.now()}
    )
    comment.is_removed, comment.comment = True, ""


def remove_comment(moderator, comment: Comment) -> None:
    """Hide the text from readers (not from moderators), keeping it for review and restoration."""
    _set_removed(moderator, comment, removed=True, flag=CommentFlag.MODERATOR_DELETION)


def restore_comment(moderator, comment: Comment) -> None:
    if comment_deleted_by_author(comment):
        raise PermissionError("A comment its author deleted cannot be restored.")
    _set_removed(moderator, comment, removed=False, flag=CommentFlag.MODERATOR_APPROVAL)


def _set_removed(moderator, comment: Comment, *, removed: bool, flag: str) -> None:
    if not can_moderate_comment(moderator, comment):
        raise PermissionError("Only moderators remove or restore comments.")
    now = timezone.now()
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(is_removed=removed)
        CommentFlag.objects.update_or_create(comment=comment, user=moderator, flag=flag, defaults={"flag_date": now})
        comment.reports.filter(reviewed_at__isnull=True).update(reviewed_at=now, reviewed_by=moderator)
    comment.is_removed = removed


def comment_deleted_by_author(comment: Comment) -> bool:
    return CommentFlag.objects.filter(comment=comment, flag=AUTHOR_DELETION).exists()


def report_comment(reporter, comment: Comment, reason: str, details: str = "") -> CommentReport:
    """One open report per member and comment: reporting again updates the reason."""
    if not can_comment(reporter, comment.page):
        raise PermissionError("Only readers of the page report its comments.")
    report, _created = CommentReport.objects.update_or_create(
        comment=comment,
        reporter=reporter,
        defaults={"reason": reason, "details": details, "created_at": timezone.now(), "reviewed_at": None},
    )
    return report


# Reactions ("J'aime") on pages and comments.


def _reaction_count(target: str):
    counts = (
        Reaction.objects.filter(**{target: OuterRef("pk")})
        .order_by()
        .values(target)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _reacted_by(viewer, target: str):
    if not is_member(viewer):
        return Value(False)
    return Exists(Reaction.objects.filter(**{target: OuterRef("pk")}, user=viewer))


def annotate_reactions(pages: QuerySet[Page], viewer) -> QuerySet[Page]:
    """Add ``reaction_count`` and ``viewer_reacted`` to a page listing, without one query per page."""
    return pages.annotate(reaction_count=_reaction_count("page"), viewer_reacted=_reacted_by(viewer, "page"))


def annotate_comment_counts(pages: QuerySet[Page]) -> QuerySet[Page]:
    """Add ``comment_count`` (comments shown, not removed) to a page listing."""
    counts = (
        Comment.objects.filter(
            is_public=True, is_removed=False, content_type_id=OuterRef("content_type_id"), object_pk=OuterRef("pk_text")
        )
        .order_by()
        .values("object_pk")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return pages.annotate(pk_text=Cast("pk", CharField())).annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def reactions_on_page(page: Page, viewer) -> tuple[int, bool]:
    return _reaction_state(Reaction.objects.filter(page=page), viewer)


def reactions_on_comment(comment: Comment, viewer) -> tuple[int, bool]:
    return _reaction_state(Reaction.objects.filter(comment=comment), viewer)


def _reaction_state(reactions: QuerySet[Reaction], viewer) -> tuple[int, bool]:
    user_pk = viewer.pk if is_member(viewer) else None
    totals = reactions.aggregate(total=Count("pk"), mine=Count("pk", filter=Q(user_id=user_pk)))
    return totals["total"], bool(totals["mine"])


def react(user, *, page: Page | None = None, comment: Comment | None = None) -> None:
    """Add the member's "J'aime"; a second click, even concurrent, never makes a second row."""
    try:
        with transaction.atomic():
            Reaction.objects.get_or_create(user=user, page=page, comment=comment)
    except IntegrityError:
        pass


def unreact(user, *, page: Page | None = None, comment: Comment | None = None) -> None:
    Reaction.objects.filter(user=user, page=page, comment=comment).delete()


def toggle_reaction(user, *, page: Page | None = None, comment: Comment | None = None) -> bool:
    """Like or unlike; returns whether the member now likes the target."""
    target_page = page if page is not None else comment.page
    if not can_comment(user, target_page):
        raise PermissionError("Only readers of the page react to it.")
    if Reaction.objects.filter(user=user, page=page, comment=comment).exists():
        unreact(user, page=page, comment=comment)
        return False
    react(user, page=page, comment=comment)
    return True
