"""What happens in a group: access sync, membership changes, posts, documents, activity.

Views stay thin and call these functions; permission checks live in ``groups.rules``
and are made by the callers (views, demo, tests) before calling in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Length, Substr
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.utils import parse_tags
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from groups import rules
from groups.models import GroupPage, GroupPostAttachment, GroupPostPage, Membership
from groups.sanitize import sanitize_post_html

GROUPS_COLLECTION_NAME = "Groupes thématiques"


# Access: one auth group per thematic group, and Wagtail restrictions that follow the visibility.


def setup_group_access(group: GroupPage) -> None:
    """Create or update the group's auth group, collection and view restrictions (idempotent)."""
    group = GroupPage.objects.select_related("auth_group", "collection").get(pk=group.pk)
    auth_group = group.auth_group or Group.objects.get_or_create(name=auth_group_name(group))[0]
    if auth_group.name != auth_group_name(group):
        auth_group.name = auth_group_name(group)
        auth_group.save(update_fields=["name"])
    collection = group.collection or groups_root_collection().add_child(name=group.title)
    if collection.name != group.title:
        collection.name = group.title
        collection.save(update_fields=["name"])
    if group.auth_group_id != auth_group.pk or group.collection_id != collection.pk:
        GroupPage.objects.filter(pk=group.pk).update(auth_group=auth_group, collection=collection)
    restriction_type = (
        PageViewRestriction.LOGIN if group.visibility == GroupPage.Visibility.OPEN else PageViewRestriction.GROUPS
    )
    _restrict(PageViewRestriction, {"page": group}, restriction_type, auth_group)
    _restrict(CollectionViewRestriction, {"collection": collection}, restriction_type, auth_group)
    sync_auth_group_members(group.pk, auth_group)


def auth_group_name(group: GroupPage) -> str:
    return f"Groupe {group.pk} · {group.title}"[:150]


def groups_root_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=GROUPS_COLLECTION_NAME).first()
    return existing or root.add_child(name=GROUPS_COLLECTION_NAME)


def _restrict(model, target: dict, restriction_type: str, auth_group: Group) -> None:
    """One restriction of the wanted type on the target, written only when it differs."""
    restrictions = list(model.objects.filter(**target).prefetch_related("groups"))
    restriction = restrictions[0] if restrictions else model(**target)
    for extra in restrictions[1:]:
        extra.delete()
    if restriction.pk is None or restriction.restriction_type != restriction_type:
        restriction.restriction_type = restriction_type
        restriction.save()
    wanted = {auth_group.pk} if restriction_type == model.GROUPS else set()
    if {group.pk for group in restriction.groups.all()} != wanted:
        restriction.groups.set(wanted)


def sync_auth_group_members(group_id: int, auth_group: Group | None = None) -> None:
    """Make the auth group's users exactly the group's active members."""
    auth_group = auth_group or Group.objects.filter(thematic_group__pk=group_id).first()
    if auth_group is None:
        return
    active = Membership.objects.filter(group_id=group_id, status=Membership.Status.ACTIVE).values_list(
        "user_id", flat=True
    )
    auth_group.user_set.set(list(active))


def sync_membership(membership: Membership, *, removed: bool = False) -> None:
    """Mirror one membership into the auth group (called from the model signals)."""
    auth_group_id = GroupPage.objects.filter(pk=membership.group_id).values_list("auth_group_id", flat=True).first()
    if auth_group_id is None:
        return
    UserGroup = Group.user_set.through
    link = {"user_id": membership.user_id, "group_id": auth_group_id}
    if membership.is_active and not removed:
        UserGroup.objects.get_or_create(**link)
    else:
        UserGroup.objects.filter(**link).delete()
    rules.forget_memberships(membership.user)


# Membership changes. Each returns the membership (or None when it was removed).


def join(user, group: GroupPage) -> Membership:
    """Join an open group; concurrent clicks make one membership (the unique constraint decides)."""
    if not rules.can_join(user, group) and not rules.is_member(user, group):
        raise PermissionDenied
    return _get_or_create_membership(user, group, status=Membership.Status.ACTIVE, role=group.default_role)


def request_membership(user, group: GroupPage) -> Membership:
    if not rules.can_request(user, group) and rules.membership_of(user, group) is None:
        raise PermissionDenied
    return _get_or_create_membership(user, group, status=Membership.Status.PENDING, role=group.default_role)


def invite(manager, invitee, group: GroupPage) -> Membership:
    """Invite an existing member of the network; an existing membership is left as it is."""
    if not rules.can_manage_members(manager, group):
        raise PermissionDenied
    return _get_or_create_membership(
        invitee, group, status=Membership.Status.INVITED, role=group.default_role, invited_by=manager
    )


def _get_or_create_membership(user, group: GroupPage, **defaults) -> Membership:
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(user=user, group=group, defaults=defaults)
    except IntegrityError:
        # Another request created it between our SELECT and INSERT.
        membership = Membership.objects.get(user=user, group=group)
    rules.forget_memberships(user)
    return membership


def accept_invitation(user, group: GroupPage) -> Membership:
    membership = _membership_in_status(user, group, Membership.Status.INVITED)
    return _activate(membership)


def approve(manager, membership: Membership) -> Membership:
    if not rules.can_manage_members(manager, membership.group) or membership.status != Membership.Status.PENDING:
        raise PermissionDenied
    return _activate(membership)


def _activate(membership: Membership) -> Membership:
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    return membership


def refuse(manager, membership: Membership) -> None:
    if not rules.can_manage_members(manager, membership.group) or membership.status == Membership.Status.ACTIVE:
        raise PermissionDenied
    membership.delete()


def decline_invitation(user, group: GroupPage) -> None:
    _membership_in_status(user, group, Membership.Status.INVITED).delete()


def cancel_request(user, group: GroupPage) -> None:
    _membership_in_status(user, group, Membership.Status.PENDING).delete()


def leave(user, group: GroupPage) -> None:
    membership = rules.active_membership(user, group)
    if membership is None:
        raise PermissionDenied
    if membership.role == Membership.Role.MANAGER and _other_managers(membership).count() == 0:
        raise ValidationError(_("You are the group's last manager: name another manager before leaving."))
    membership.delete()


def remove_member(manager, membership: Membership) -> None:
    if not rules.can_manage_members(manager, membership.group):
        raise PermissionDenied
    if membership.role == Membership.Role.MANAGER and _other_managers(membership).count() == 0:
        raise ValidationError(_("A group keeps at least one manager."))
    membership.delete()


def change_role(manager, membership: Membership, role: str) -> Membership:
    if not rules.can_manage_members(manager, membership.group) or not membership.is_active:
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if (
        membership.role == Membership.Role.MANAGER
        and role != Membership.Role.MANAGER
        and _other_managers(membership).count() == 0
    ):
        raise ValidationError(_("A group keeps at least one manager."))
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


def _membership_in_status(user, group: GroupPage, status: str) -> Membership:
    membership = rules.membership_of(user, group)
    if membership is None or membership.status != status:
        raise PermissionDenied
    return membership


def _other_managers(membership: Membership):
    return Membership.objects.filter(
        group_id=membership.group_id, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
    ).exclude(pk=membership.pk)


# Posts: child pages owned by their authors, each change a published revision.


def publish_post(
    *,
    group: GroupPage,
    author,
    title: str,
    body: str,
    kind: str = GroupPostPage.Kind.DISCUSSION,
    tags: str = "",
    files: list[UploadedFile] = (),
    token=None,
) -> tuple[GroupPostPage, bool]:
    """Create and publish a post; returns (post, created). A known token returns the earlier post."""
    if not rules.can_post(author, group):
        raise PermissionDenied
    if token and (existing := GroupPostPage.objects.filter(submission_token=token).first()):
        return existing, False
    try:
        with transaction.atomic():
            post = GroupPostPage(
                title=title,
                slug=_free_slug(group, title),
                kind=kind,
                body=sanitize_post_html(body),
                owner=author,
                submission_token=token,
            )
            group.add_child(instance=post)
            post.tags.set(parse_tags(tags))
            for position, upload in enumerate(files):
                document = add_document(group=group, uploader=author, upload=upload)
                GroupPostAttachment.objects.create(page=post, document=document, sort_order=position)
            # Group rules were checked above; Wagtail's page permissions are for the admin's editors.
            post.save_revision(user=author, log_action=True).publish(user=author, skip_permission_checks=True)
    except IntegrityError:
        if token and (existing := GroupPostPage.objects.filter(submission_token=token).first()):
            return existing, False
        raise
    return post, True


def update_post(*, post: GroupPostPage, editor, title: str, body: str, kind: str, tags: str, files=()) -> None:
    """The author's edit: a new revision, published at once; earlier revisions stay in the history."""
    group = post.get_parent().specific
    if not rules.can_edit_post(editor, post, group):
        raise PermissionDenied
    with transaction.atomic():
        post.title = title
        post.kind = kind
        post.body = sanitize_post_html(body)
        post.tags.set(parse_tags(tags))
        start = post.attachments.count()
        for position, upload in enumerate(files, start=start):
            document = add_document(group=group, uploader=editor, upload=upload)
            post.attachments.add(GroupPostAttachment(document=document, sort_order=position))
        post.save_revision(user=editor, log_action=True).publish(user=editor, skip_permission_checks=True)


def delete_post(*, post: GroupPostPage, user) -> None:
    group = post.get_parent().specific
    if not rules.can_edit_post(user, post, group):
        raise PermissionDenied
    DeletePageAction(post, user=user).execute(skip_permission_checks=True)


def unpublish_post(*, post: GroupPostPage, moderator) -> None:
    """Moderation takes a post offline; the page and its revisions stay for the record."""
    group = post.get_parent().specific
    if not rules.can_unpublish_post(moderator, post, group):
        raise PermissionDenied
    UnpublishPageAction(post, user=moderator).execute(skip_permission_checks=True)


def _free_slug(group: GroupPage, title: str) -> str:
    base = slugify(title)[:60] or "billet"
    taken = set(group.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# Documents: stored in the group's collection, so Wagtail's serve view applies its restriction.


def add_document(*, group: GroupPage, uploader, upload: UploadedFile, title: str = ""):
    if not rules.can_post(uploader, group):
        raise PermissionDenied
    if group.collection_id is None:
        setup_group_access(group)
        group.refresh_from_db(fields=["collection"])
    Document = get_document_model()
    document = Document(title=title or upload.name.rsplit(".", 1)[0], file=upload, collection_id=group.collection_id)
    document.uploaded_by_user = uploader
    document.file_size = upload.size
    document.save()
    return document


def group_documents(group: GroupPage):
    return get_document_model().objects.filter(collection_id=group.collection_id).select_related("uploaded_by_user")


def post_figures(groups: list[GroupPage], *, since: datetime) -> dict[int, tuple[datetime | None, int]]:
    """Per group id: the date of its last post and how many were published since ``since``.

    One grouped query over the posts under the groups' parents, keyed by each post's parent path:
    a subquery per group would match every page against that group's path, once per group.
    """
    if not groups:
        return {}
    id_by_path = {group.path: group.pk for group in groups}
    under_parents = Q()
    for parent_path, depth in {(group.path[: -GroupPage.steplen], group.depth) for group in groups}:
        under_parents |= Q(path__startswith=parent_path, depth=depth + 1)
    rows = (
        GroupPostPage.objects.live()
        .filter(under_parents)
        .annotate(group_path=Substr("path", 1, Length("path") - GroupPage.steplen))
        .filter(group_path__in=id_by_path)
        .values("group_path")
        .annotate(last=Max("first_published_at"), recent=Count("pk", filter=Q(first_published_at__gte=since)))
        .order_by()
    )
    return {id_by_path[row["group_path"]]: (row["last"], row["recent"]) for row in rows}


# Activity: what happened lately in groups the user may read.


@dataclass(frozen=True)
class ActivityItem:
    kind: str  # "post", "document", "event", "comment"
    title: str
    url: str
    at: datetime
    group: GroupPage
    actor: object | None = None


def activity(user, groups=None, *, limit: int = 15) -> list[ActivityItem]:
    """Recent posts, documents and events (and comments when the discussions app offers them).

    ``groups`` narrows the stream (e.g. to the user's own groups); groups the user
    cannot read are always left out. A fixed number of queries whatever the volume.
    """
    readable = GroupPage.objects.readable_by(user)
    if groups is not None:
        readable = readable.filter(pk__in=[g.pk for g in groups])
    return activity_in(list(readable.only("pk", "path", "depth", "title", "url_path", "collection_id")), limit=limit)


def activity_in(readable: list[GroupPage], *, limit: int = 15) -> list[ActivityItem]:
    """The stream of groups already known to be readable by the viewer (see ``activity``)."""
    if not readable:
        return []
    by_path = {group.path: group for group in readable}
    under_readable = Q()
    for group in readable:
        under_readable |= Q(path__startswith=group.path, depth=group.depth + 1)

    def group_of(page) -> GroupPage:
        return by_path[page.path[: len(page.path) - GroupPage.steplen]]

    # Posts and events in one query over the page table; the content type tells them apart.
    kinds = {ContentType.objects.get_for_model(GroupPostPage).pk: "post"}
    if apps.is_installed("events"):
        kinds[ContentType.objects.get_for_model(apps.get_model("events", "EventPage")).pk] = "event"
    items = [
        ActivityItem(
            kinds[page.content_type_id], page.title, page.url, page.first_published_at, group_of(page), page.owner
        )
        for page in Page.objects.live()
        .filter(under_readable, content_type_id__in=kinds, first_published_at__isnull=False)
        .select_related("owner")
        .order_by("-first_published_at")[:limit]
    ]
    by_collection = {group.collection_id: group for group in readable if group.collection_id}
    items += [
        ActivityItem(
            "document",
            document.title,
            document.url,
            document.created_at,
            by_collection[document.collection_id],
            document.uploaded_by_user,
        )
        for document in get_document_model()
        .objects.filter(collection_id__in=by_collection)
        .select_related("uploaded_by_user")
        .order_by("-created_at")[:limit]
    ]
    items += comment_activity(readable, limit=limit)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def comment_activity(readable_groups: list[GroupPage], *, limit: int) -> list[ActivityItem]:
    """Extension point for the discussions app: recent comments on posts of these groups.

    Uses ``discussions.services.recent_comments(pages_queryset, limit)`` when it exists,
    expected to yield objects with ``page``, ``user``, ``submit_date`` and ``get_absolute_url()``.
    """
    try:
        from discussions.services import recent_comments
    except ImportError:
        return []
    by_path = {group.path: group for group in readable_groups}
    under_readable = Q()
    for group in readable_groups:
        under_readable |= Q(path__startswith=group.path, depth=group.depth + 1)
    posts = GroupPostPage.objects.live().filter(under_readable)
    return [
        ActivityItem(
            "comment",
            comment.page.title,
            comment.get_absolute_url(),
            comment.submit_date,
            by_path[comment.page.path[: -GroupPage.steplen]],
            comment.user,
        )
        for comment in recent_comments(posts, limit)
    ]
