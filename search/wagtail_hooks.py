"""Admin, under Reports: the searches that found nothing, and the text extraction of the document archive."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from portal.admin_menu import MenuItemFor
from search.admin_views import (
    DocumentExtractionReportView,
    retry_extraction,
    retry_failed_extractions,
    user_may_change_documents,
)
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


@hooks.register("register_reports_menu_item")
def unanswered_queries_menu_item():
    return MenuItemFor(
        _("Searches without results"),
        reverse(unanswered_queries.get_url_name("index")),
        icon_name="search",
        order=900,
        shown_to=lambda user: user.has_perm("search.view_unansweredquery"),
    )


@hooks.register("register_admin_urls")
def register_document_extraction_urls():
    urls = [
        path("", DocumentExtractionReportView.as_view(), name="document_extraction"),
        path("results/", DocumentExtractionReportView.as_view(results_only=True), name="document_extraction_results"),
        path("<int:document_id>/extract-again/", retry_extraction, name="document_extraction_retry"),
        path("failed/extract-again/", retry_failed_extractions, name="document_extraction_retry_failed"),
    ]
    return [path("reports/document-extraction/", include((urls, "search_admin"), namespace="search_admin"))]


@hooks.register("register_reports_menu_item")
def document_extraction_menu_item():
    return MenuItemFor(
        _("Document text extraction"),
        reverse("search_admin:document_extraction"),
        name="document-extraction",
        icon_name="doc-full-inverse",
        order=910,
        shown_to=user_may_change_documents,
    )
