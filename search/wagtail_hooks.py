"""Admin: the searches that found nothing, under Reports, for editors to fill the gaps."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from search.models import UnansweredQuery


class UnansweredQueryViewSet(ModelViewSet):
    model = UnansweredQuery
    icon = "search"
    menu_label = _("Searches without results")
    add_to_admin_menu = False
    list_display = ["query_string", "times", "first_seen", "last_seen"]
    search_fields = ["query_string"]
    search_backend_name = None  # a plain database filter: these rows are not in the search index
    ordering = ["-times", "-last_seen"]
    form_fields = ["query_string"]


unanswered_queries = UnansweredQueryViewSet("unanswered_queries")


@hooks.register("register_admin_viewset")
def register_unanswered_queries():
    return unanswered_queries


class UnansweredQueriesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("search.view_unansweredquery")


@hooks.register("register_reports_menu_item")
def unanswered_queries_menu_item():
    return UnansweredQueriesMenuItem(
        _("Searches without results"), reverse(unanswered_queries.get_url_name("index")), icon_name="search", order=900
    )
