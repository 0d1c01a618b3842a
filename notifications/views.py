"""Thin views over ``notifications.services``: the centre, the settings, thread following,
group defaults, important announcements and the signed unsubscribe links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from groups import rules as group_rules
from groups.models import GroupPage, Membership
from notifications import services
from notifications.forms import (
    KIND_SWITCHES,
    GroupDefaultForm,
    GroupSubscriptionFormSet,
    ImportantAnnouncementForm,
    PreferenceForm,
)
from notifications.models import GroupNotificationDefault, GroupSubscription, ImportantAnnouncement, Notification
from portal.pages import is_visible_to

PER_PAGE = 20


@login_required
def centre(request):
    """The member's notifications, newest first; items they can no longer see are left out."""
    paginator = Paginator(services.notification_centre(request.user), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    visible = {item.pk for item in services.visible_items(request.user, [n.activity for n in page_obj])}
    notifications = [n for n in page_obj if n.activity_id in visible]
    return render(
        request,
        "notifications/centre.html",
        {"page_obj": page_obj, "notifications": notifications, "unread": services.unread_count(request.user)},
    )


@login_required
def open_notification(request, notification_id: int):
    """Follow a notification to its content, marking it read on the way."""
    notification = get_object_or_404(
        services.notification_centre(request.user), pk=notification_id, recipient=request.user
    )
    services.mark_read(request.user, [notification.pk])
    return redirect(notification.activity.url or "notifications:centre")


@login_required
@require_POST
def mark_read(request, notification_id: int):
    get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(request.user, [notification_id])
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    message = ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
    messages.success(request, message % {"count": count})
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:centre"
    return redirect(target)


@login_required
def notification_settings(request):
    """ "Mes notifications": the defaults, then one override per group the member belongs to."""
    preference = services.preference_of(request.user)
    groups = list(
        GroupPage.objects.live()
        .filter(memberships__user=request.user, memberships__status=Membership.Status.ACTIVE)
        .order_by("title")
    )
    GroupSubscription.objects.bulk_create(
        [GroupSubscription(user=request.user, group=group) for group in groups], ignore_conflicts=True
    )
    subscriptions = GroupSubscription.objects.filter(user=request.user, group__in=groups).select_related("group")
    subscriptions = subscriptions.order_by("group__title")
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, instance=preference)
    formset = GroupSubscriptionFormSet(data, queryset=subscriptions, prefix="groups")
    if data is not None and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "formset": formset,
            "managed_groups": services.managed_groups(request.user).order_by("title"),
            "can_announce": services.can_announce(request.user),
            "kind_fields": KIND_SWITCHES,
        },
    )


@login_required
@require_POST
def follow_thread(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id)
    if not is_visible_to(page, request.user):
        raise Http404
    following = request.POST.get("follow") == "1"
    services.follow_thread(request.user, page, following)
    if following:
        messages.success(request, _("You follow this discussion: new comments will reach you."))
    else:
        messages.success(request, _("You no longer follow this discussion."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = page.url or "/"
    return redirect(target)


@login_required
def group_default(request, group_id: int):
    """A manager chooses the frequency new members of the group start with."""
    group = get_object_or_404(GroupPage.objects.live(), pk=group_id)
    if not group_rules.can_see_group(request.user, group):
        raise Http404
    if not group_rules.can_manage_members(request.user, group):
        raise PermissionDenied
    current = GroupNotificationDefault.objects.filter(group=group).first() or GroupNotificationDefault(group=group)
    form = GroupDefaultForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.set_group_default(request.user, group, form.cleaned_data["frequency"])
        messages.success(request, _("The default for new members of this group is saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/group_default.html", {"form": form, "group": group})


@login_required
def important_announcement(request):
    if not services.can_announce(request.user):
        raise PermissionDenied
    pages = services.announceable_pages()
    # "?page=<id>" preselects a news item (from its page in the admin, for instance).
    chosen = request.GET.get("page", "")
    initial = {"page": chosen} if chosen.isdigit() and pages.filter(pk=chosen).exists() else {}
    form = ImportantAnnouncementForm(request.POST or None, pages=pages, initial=initial)
    if request.method == "POST" and form.is_valid():
        announcement = services.announce_important(form.cleaned_data["page"], request.user)
        messages.success(
            request,
            _("“%(title)s” was sent to %(count)s members.")
            % {"title": form.cleaned_data["page"].title, "count": announcement.recipient_count},
        )
        return redirect("notifications:important")
    log = ImportantAnnouncement.objects.select_related("page", "sent_by")[:30]
    return render(request, "notifications/important.html", {"form": form, "log": log})


@csrf_exempt
def unsubscribe(request, token: str):
    """The signed link of an email: GET asks to confirm, POST (or the mail client's one click) applies.

    The token is the credential, so no sign-in and no CSRF token: mail clients post
    ``List-Unsubscribe=One-Click`` without cookies (RFC 8058).
    """
    try:
        unsubscription = services.read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return render(request, "notifications/unsubscribe_invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", {"expired": False}, status=400)
    if request.method == "POST":
        services.unsubscribe(unsubscription)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(request, "notifications/unsubscribe_done.html", {"unsubscription": unsubscription})
    return render(request, "notifications/unsubscribe_confirm.html", {"unsubscription": unsubscription})
