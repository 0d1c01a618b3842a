"""Thin views behind the group pages' routes; rules in groups.rules, changes in groups.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Func, Q, Subquery
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.rich_text import expand_db_html

from groups import rules, services
from groups.forms import DocumentUploadForm, EditPostForm, InviteForm, PostForm, RoleForm
from groups.models import GroupCategory, GroupPage, GroupPostPage, Membership
from portal.markdown import html_to_markdown

POSTS_PER_PAGE = 20
DOCUMENTS_PER_PAGE = 50
DOCUMENT_SORTS = {
    "date": "-created_at",
    "titre": "title",
    "taille": "-file_size",
    "type": "file",
}


# The groups index.


def group_index_context(index_page, request) -> dict:
    user = request.user
    categories = list(GroupCategory.objects.all())
    selected = None
    if slug := request.GET.get("categorie"):
        selected = next((category for category in categories if category.slug == slug), None)
        if selected is None:
            raise Http404(_("Unknown category."))
    groups = with_activity(GroupPage.objects.child_of(index_page).listed_for(user), user)
    if selected:
        groups = [group for group in groups if group.category_id == selected.pk]
    memberships = rules.memberships_by_group(user)
    by_category = [
        (category, [group for group in groups if group.category_id == category.pk])
        for category in categories
        if selected in (None, category)
    ]
    return {
        "categories": categories,
        "selected_category": selected,
        "groups_by_category": [(category, items) for category, items in by_category if items],
        "my_groups": [g for g in groups if g.pk in memberships and memberships[g.pk].is_active],
        "invitations": [g for g in groups if g.pk in memberships and memberships[g.pk].status == "invited"],
        "pending_requests": [g for g in groups if g.pk in memberships and memberships[g.pk].status == "pending"],
    }


def with_activity(groups, user) -> list[GroupPage]:
    """Groups with member count, last post date and posts this month, in two queries.

    The post figures are only kept for groups the user may read: a members-only
    group's listing shows its size, not the pace of what is said inside.
    """
    result = list(
        groups.select_related("category")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True)
        )
        .order_by("title")
    )
    for group in result:
        group.readable = rules.can_read(user, group)
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    figures = services.post_figures([group for group in result if group.readable], since=month_start)
    for group in result:
        if group.readable:
            group.last_post_at, group.posts_this_month = figures.get(group.pk, (None, 0))
        else:
            group.last_post_at = group.posts_this_month = None
    return result


# One group.


def group_context(group: GroupPage, request) -> dict:
    user = request.user
    readable = rules.can_read(user, group)
    active = group.memberships.filter(status=Membership.Status.ACTIVE)
    # The managers' rows carry the member count, saving a query on every group page.
    managers = list(
        active.filter(role=Membership.Role.MANAGER)
        .select_related("user")
        .annotate(member_total=Subquery(active.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]))
        .order_by("user__last_name")
    )
    return {
        "group": group,
        "membership": rules.membership_of(user, group),
        "can_read": readable,
        "can_post": rules.can_post(user, group),
        "can_moderate": rules.can_moderate(user, group),
        "can_manage": rules.can_manage_members(user, group),
        "can_join": rules.can_join(user, group),
        "can_request": rules.can_request(user, group),
        "member_count": managers[0].member_total if managers else active.count(),
        "managers": [membership.user for membership in managers] if readable else [],
    }


def group_landing(request, group: GroupPage):
    context = group_context(group, request)
    if context["can_read"]:
        posts = (
            GroupPostPage.objects.child_of(group)
            .live()
            .select_related("owner")
            .prefetch_related("tags")
            .order_by("-first_published_at")
        )
        kind = request.GET.get("type")
        if kind:
            if kind not in GroupPostPage.Kind.values:
                raise Http404(_("Unknown kind of post."))
            posts = posts.filter(kind=kind)
        context["page_obj"] = paginate(request, posts, POSTS_PER_PAGE)
        context["selected_kind"] = kind
        context["kinds"] = GroupPostPage.Kind.choices
        context["activity"] = services.activity_in([group], limit=8)
    return group.render(request, context_overrides=context)


def publish_post(request, group: GroupPage):
    if not rules.can_post(request.user, group):
        return no_access(request, group)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post, created = services.publish_post(
            group=group,
            author=request.user,
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            tags=data["tags"],
            files=data["attachments"],
            token=data["submission_token"],
        )
        if created:
            messages.success(request, _("Your post is published."))
        return HttpResponseRedirect(post.url)
    return TemplateResponse(
        request, "groups/post_form.html", {"page": group, "group": group, "form": form, "editing": False}
    )


def document_library(request, group: GroupPage):
    if not rules.can_read(request.user, group):
        return no_access(request, group)
    can_upload = rules.can_post(request.user, group)
    form = DocumentUploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if form.is_valid():
            document = services.add_document(
                group=group, uploader=request.user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
            messages.success(request, _("“%(title)s” is in the library.") % {"title": document.title})
            return HttpResponseRedirect(request.path)
    sort = request.GET.get("tri", "date")
    if sort not in DOCUMENT_SORTS:
        raise Http404(_("Unknown sort order."))
    documents = services.group_documents(group).order_by(DOCUMENT_SORTS[sort], "-pk")
    return TemplateResponse(
        request,
        "groups/documents.html",
        {
            "page": group,
            "group": group,
            "form": form,
            "page_obj": paginate(request, documents, DOCUMENTS_PER_PAGE),
            "sort": sort,
            "sorts": [("date", _("Date")), ("titre", _("Title")), ("taille", _("Size")), ("type", _("Type"))],
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def member_list(request, group: GroupPage):
    if not rules.can_read(request.user, group):
        return no_access(request, group)
    return render_members(request, group, invite_form=InviteForm(group=group))


def render_members(request, group, *, invite_form, status=200):
    can_manage = rules.can_manage_members(request.user, group)
    memberships = group.memberships.select_related("user", "invited_by").order_by("user__last_name", "user__first_name")
    return TemplateResponse(
        request,
        "groups/members.html",
        {
            "page": group,
            "group": group,
            "members": [m for m in memberships if m.is_active],
            "pending": [m for m in memberships if m.status == Membership.Status.PENDING] if can_manage else [],
            "invited": [m for m in memberships if m.status == Membership.Status.INVITED] if can_manage else [],
            "can_manage": can_manage,
            "invite_form": invite_form if can_manage else None,
            "roles": Membership.Role.choices,
        },
        status=status,
    )


# What each button of the membership box does, and what the member is told after.
MEMBERSHIP_ACTIONS = {
    "join": (services.join, messages.SUCCESS, gettext_lazy("Welcome to the group “%(group)s”.")),
    "request": (
        services.request_membership,
        messages.SUCCESS,
        gettext_lazy("Your request is sent to the group's managers."),
    ),
    "accept": (services.accept_invitation, messages.SUCCESS, gettext_lazy("Welcome to the group “%(group)s”.")),
    "decline": (services.decline_invitation, messages.INFO, gettext_lazy("Invitation declined.")),
    "cancel": (services.cancel_request, messages.INFO, gettext_lazy("Your request is withdrawn.")),
    "leave": (services.leave, messages.INFO, gettext_lazy("You have left the group “%(group)s”.")),
}


def membership_action(request, group: GroupPage):
    """The visitor's own membership: join, request, accept or decline an invitation, cancel, leave."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    if request.POST.get("action") not in MEMBERSHIP_ACTIONS:
        raise Http404(_("Unknown action."))
    change, level, message = MEMBERSHIP_ACTIONS[request.POST["action"]]
    try:
        change(user, group)
        messages.add_message(request, level, message % {"group": group.title})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("This action is not possible for your membership."))
    # After leaving a secret group its page no longer exists for the user.
    if not rules.can_see_group(user, group):
        return HttpResponseRedirect(group.get_parent().url)
    return HttpResponseRedirect(group.url)


def manage_member(request, group: GroupPage, membership_id: int):
    """A manager approves, refuses, changes the role of or removes one membership."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not rules.can_manage_members(request.user, group):
        raise PermissionDenied
    membership = get_object_or_404(group.memberships.select_related("user", "group"), pk=membership_id)
    name = membership.user.get_full_name() or membership.user.get_username()
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.approve(request.user, membership)
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        elif action == "refuse":
            services.refuse(request.user, membership)
            messages.info(request, _("The request of %(name)s is refused.") % {"name": name})
        elif action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise Http404(_("Unknown role."))
            services.change_role(request.user, membership, form.cleaned_data["role"])
            messages.success(
                request, _("%(name)s is now %(role)s.") % {"name": name, "role": membership.get_role_display()}
            )
        elif action == "remove":
            services.remove_member(request.user, membership)
            messages.info(request, _("%(name)s is no longer in the group.") % {"name": name})
        else:
            raise Http404(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(group.url + "membres/")


def invite_member(request, group: GroupPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not rules.can_manage_members(request.user, group):
        raise PermissionDenied
    form = InviteForm(request.POST, group=group)
    if not form.is_valid():
        return render_members(request, group, invite_form=form, status=400)
    invitee = form.cleaned_data["person"]
    services.invite(request.user, invitee, group)
    messages.success(request, _("%(name)s is invited.") % {"name": invitee.get_full_name() or invitee.get_username()})
    return HttpResponseRedirect(group.url + "membres/")


# Posts.


def post_context(post: GroupPostPage, group: GroupPage, request) -> dict:
    user = request.user
    return {
        "group": group,
        "attachments": post.attachments.select_related("document"),
        "can_edit": rules.can_edit_post(user, post, group),
        "can_unpublish": rules.can_unpublish_post(user, post, group),
        "can_post": rules.can_post(user, group),
    }


def post_detail(request, post: GroupPostPage):
    group = post.get_parent().specific
    return post.render(request, context_overrides=post_context(post, group, request))


def edit_post(request, post: GroupPostPage):
    group = post.get_parent().specific
    if not rules.can_edit_post(request.user, post, group):
        raise PermissionDenied
    # The text as the member writes it: Markdown, also for a post last edited in the admin.
    body = html_to_markdown(expand_db_html(post.body))
    initial = {"title": post.title, "kind": post.kind, "body": body, "tags": ", ".join(post.tags.names())}
    form = EditPostForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_post(
            post=post,
            editor=request.user,
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            tags=data["tags"],
            files=data["attachments"],
        )
        messages.success(request, _("Your changes are published."))
        return HttpResponseRedirect(post.url)
    return TemplateResponse(
        request, "groups/post_form.html", {"page": post, "group": group, "form": form, "editing": True, "post": post}
    )


def delete_post(request, post: GroupPostPage):
    group = post.get_parent().specific
    if not rules.can_edit_post(request.user, post, group):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_post(post=post, user=request.user)
        messages.info(request, _("Your post is deleted."))
        return HttpResponseRedirect(group.url)
    return TemplateResponse(request, "groups/post_confirm_delete.html", {"page": post, "group": group, "post": post})


def unpublish_post(request, post: GroupPostPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    group = post.get_parent().specific
    services.unpublish_post(post=post, moderator=request.user)
    messages.info(request, _("The post is unpublished; its history is kept."))
    return HttpResponseRedirect(group.url)


# Shared helpers.


def paginate(request, queryset, per_page: int):
    """The requested page; a page number that is not a number or out of range is a 404."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(paginator.num_pages, 1):
        raise Http404(_("Unknown page."))
    return paginator.page(int(number))


def no_access(request, group: GroupPage):
    """Signed-in non-members of a members-only group: what they may do instead (join, request)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = group_context(group, request)
    context["page"] = group
    return TemplateResponse(request, "groups/no_access.html", context, status=403)
