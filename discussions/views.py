"""Thin views over ``discussions.services``: every rule lives there.

A page or comment the visitor may not read answers 404, so private groups do not
even reveal that a comment exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from discussions import services
from discussions.forms import CommentForm, ReportForm
from discussions.models import Comment
from portal.pages import is_visible_to


def readable_page(request: HttpRequest, page_id: int) -> Page:
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    if not is_visible_to(page, request.user):
        raise Http404
    return page


def readable_comment(request: HttpRequest, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.filter(is_public=True), pk=comment_id)
    try:
        page = comment.page
    except Page.DoesNotExist as missing:
        raise Http404 from missing
    if not is_visible_to(page, request.user):
        raise Http404
    return comment


def comment_url(request: HttpRequest, comment: Comment) -> str:
    return f"{comment.page.get_url(request)}#{comment.anchor}"


@login_required
@require_POST
def post_comment(request: HttpRequest, page_id: int) -> HttpResponse:
    page = readable_page(request, page_id)
    form = CommentForm(request.POST)
    parent = None
    reply_to = request.POST.get("reply_to", "").strip()
    if reply_to:
        if not reply_to.isdigit():
            raise Http404
        parent = get_object_or_404(Comment.objects.on_page(page).filter(is_public=True, is_removed=False), pk=reply_to)
    if form.is_valid():
        try:
            comment = services.add_comment(
                page,
                request.user,
                form.cleaned_data["comment"],
                parent=parent,
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except services.ThreadLevelExceeded:
            form.add_error(None, _("This thread is already as deep as it goes: answer the comment above instead."))
        except PermissionError as refused:
            raise PermissionDenied from refused
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(comment_url(request, comment))
    return render(request, "discussions/comment_form_page.html", {"page": page, "form": form, "parent": parent})


@login_required
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = readable_comment(request, comment_id)
    if not services.can_edit_comment(request.user, comment):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"comment": comment.comment})
    if request.method == "POST" and form.is_valid():
        services.edit_comment(request.user, comment, form.cleaned_data["comment"])
        messages.success(request, _("Your comment is updated."))
        return redirect(comment_url(request, comment))
    return render(
        request, "discussions/comment_form_page.html", {"page": comment.page, "form": form, "editing": comment}
    )


@login_required
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = readable_comment(request, comment_id)
    if not services.can_edit_comment(request.user, comment):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_own_comment(request.user, comment)
        messages.success(request, _("Your comment is deleted."))
        return redirect(comment_url(request, comment))
    return render(request, "discussions/comment_confirm_delete.html", {"page": comment.page, "comment": comment})


@login_required
@require_POST
def remove_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, services.remove_comment, _("The comment is removed from the thread."))


@login_required
@require_POST
def restore_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, services.restore_comment, _("The comment is restored."))


def _moderate(request: HttpRequest, comment_id: int, action, done_message: str) -> HttpResponse:
    comment = readable_comment(request, comment_id)
    try:
        action(request.user, comment)
    except PermissionError as refused:
        raise PermissionDenied from refused
    messages.success(request, done_message)
    return redirect(comment_url(request, comment))


@login_required
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = readable_comment(request, comment_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_comment(request.user, comment, form.cleaned_data["reason"], form.cleaned_data["details"])
        messages.success(request, _("Thank you: the moderators will review this comment."))
        return redirect(comment_url(request, comment))
    return render(request, "discussions/comment_report.html", {"page": comment.page, "comment": comment, "form": form})


def go_to_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A permanent link to a comment, for notifications and the admin review list."""
    comment = readable_comment(request, comment_id)
    return redirect(comment_url(request, comment))


@login_required
@require_POST
def toggle_page_reaction(request: HttpRequest, page_id: int) -> HttpResponse:
    page = readable_page(request, page_id)
    reacted = services.toggle_reaction(request.user, page=page)
    count, _mine = services.reactions_on_page(page, request.user)
    return _reaction_response(request, reacted, count, fallback=page.get_url(request))


@login_required
@require_POST
def toggle_comment_reaction(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = readable_comment(request, comment_id)
    if comment.is_removed:
        raise Http404
    reacted = services.toggle_reaction(request.user, comment=comment)
    count, _mine = services.reactions_on_comment(comment, request.user)
    return _reaction_response(request, reacted, count, fallback=comment_url(request, comment))


def _reaction_response(request: HttpRequest, reacted: bool, count: int, *, fallback: str) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"reacted": reacted, "count": count})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect(fallback)
