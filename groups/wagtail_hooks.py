"""Wagtail integration: group privacy when serving pages and documents, admin lists."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from groups import rules
from groups.models import GroupCategory, GroupPage, Membership
from groups.views import no_access

register_snippet(GroupCategory)


@hooks.register("on_serve_page")
def enforce_group_privacy(serve_chain):
    """Serve group subtrees by the group rules instead of Wagtail's generic restriction check.

    The group's view restriction mirrors these rules (see ``services.setup_group_access``)
    for what reads restrictions by itself: ``portal.pages.visible_to``, search, the admin.
    Serving, though, needs answers Wagtail cannot give: a secret group is a 404 for
    non-members, a members-only group shows non-members its description and join button,
    and its content answers them 403 rather than asking a signed-in person to sign in.
    Registered before ``wagtail`` (INSTALLED_APPS order) so it wraps Wagtail's own hook.
    """

    def serve(page, request, args, kwargs):
        group = page if isinstance(page, GroupPage) else GroupPage.objects.ancestor_of(page).first()
        if group is None:
            return serve_chain(page, request, args, kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rules.can_see_group(request.user, group):
            raise Http404
        if page.pk != group.pk and not rules.can_read(request.user, group):
            return no_access(request, group)
        # The group page's own routes check their rules (content routes need can_read).
        response = page.serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return serve


@hooks.register("before_serve_document")
def protect_group_documents(document, request):
    """Documents of a group's collection go to its readers only (403 for signed-in others)."""
    group = GroupPage.objects.filter(collection_id=document.collection_id).first()
    if group is None or rules.can_read(request.user, group):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.can_see_group(request.user, group):
        raise Http404
    raise PermissionDenied


class MembershipAdmin(ModelAdmin):
    model = Membership
    menu_label = _("Memberships")
    menu_icon = "group"
    menu_order = 250
    list_display = ("user", "group", "role", "status", "created_at", "updated_at")
    list_filter = ("group", "role", "status")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user", "group")
    ordering = ("group__title", "user__last_name")


modeladmin_register(MembershipAdmin)
