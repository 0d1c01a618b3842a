"""The search page, its suggestions, and the permission-checked history of a document's files."""

from __future__ import annotations

import logging

from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page

from portal.pages import PortalPageQuerySet
from search import query as search
from search.models import Document, DocumentVersion
from search.services import record_unanswered_query

logger = logging.getLogger(__name__)


def parse_filters(request) -> search.Filters:
    """Filters from the query string; unknown or tampered values are a 404, not a 500."""
    params = request.GET
    filters = search.Filters()
    if params.get("kind"):
        filters.kind = search.kind_by_key(params["kind"])
        if filters.kind is None:
            raise Http404(_("Unknown kind of result."))
    if params.get("group"):
        groups = {str(group.pk): group for group in search.listed_groups(request.user)}
        filters.group = groups.get(params["group"])
        if filters.group is None:
            raise Http404(_("Unknown group."))
    if params.get("year"):
        if not params["year"].isdigit() or not 1900 <= int(params["year"]) <= 2200:
            raise Http404(_("Unknown year."))
        filters.year = int(params["year"])
    if params.get("file_type"):
        if not params["file_type"].isalnum() or len(params["file_type"]) > 16:
            raise Http404(_("Unknown file type."))
        filters.file_type = params["file_type"].lower()
    if params.get("site"):
        if not params["site"].isdigit():
            raise Http404(_("Unknown site."))
        filters.site_id = int(params["site"])
    return filters


def search_page(request):
    raw_query = request.GET.get("q", "")
    query = search.clean_query(raw_query)
    filters = parse_filters(request)
    order = request.GET.get("sort", "relevance")
    if order not in {"relevance", "date"}:
        raise Http404(_("Unknown sort order."))
    context = {
        "query": query,
        "raw_query": raw_query,
        "query_was_cut": len(raw_query) > search.MAX_QUERY_LENGTH,
        "max_query_length": search.MAX_QUERY_LENGTH,
        "filters": filters,
        "sort": order,
        "kinds": search.available_kinds(),
    }
    try:
        if not query:
            context["recent"] = search.recent_content(request.user)
            return render(request, "search/search.html", context)
        try:
            page_number = int(request.GET.get("page", 1))
        except ValueError as error:
            raise Http404(_("This page of results does not exist.")) from error
        if not 1 <= page_number <= search.MAX_PAGE:
            raise Http404(_("This page of results does not exist."))
        by_relevance = order == "relevance"
        sources = search.sources_for(request.user, filters)
        facets = search.facets(
            request.user, filters, query, sources, page_number * search.RESULTS_PER_PAGE, by_relevance
        )
        results = search.MergedResults([source for source in sources if source.applies()], query, by_relevance)
        paginator = Paginator(results, search.RESULTS_PER_PAGE)
        try:
            page_obj = paginator.page(page_number)
        except InvalidPage as error:
            raise Http404(_("This page of results does not exist.")) from error
        context |= {
            "page_obj": page_obj,
            "paginator": paginator,
            "facet_groups": facet_groups(request, facets),
            "sort_by_date_url": query_string(request, sort="date", page=None),
            "sort_by_relevance_url": query_string(request, sort=None, page=None),
            "without_filters_url": query_string(
                request, kind=None, group=None, year=None, file_type=None, site=None, page=None
            ),
        }
        promoted = Query.get(query)
        context["picks"] = editors_picks(request.user, promoted) if page_number == 1 else []
    except search.ENGINE_ERRORS:
        logger.exception("Search engine unavailable")
        return render(request, "search/unavailable.html", {"query": query}, status=503)
    if paginator.count == 0:
        record_unanswered_query(query)
    else:
        promoted.add_hit()
    return render(request, "search/search.html", context)


FACET_LABELS = {
    "kind": gettext_lazy("Type"),
    "group": gettext_lazy("Group"),
    "year": gettext_lazy("Year"),
    "file_type": gettext_lazy("File type"),
    "site": gettext_lazy("Site"),
}


def query_string(request, **params) -> str:
    """The current query string with some parameters set (or removed, with None)."""
    query = request.GET.copy()
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


def facet_groups(request, facets: dict) -> list[dict]:
    """Facets with, for each value, the link that selects it (or removes it when selected)."""
    groups = []
    for name, values in facets.items():
        for value in values:
            value.url = query_string(request, page=None, **{name: None if value.selected else value.value})
        groups.append({"name": name, "label": FACET_LABELS[name], "values": values})
    return groups


def editors_picks(user, query: Query) -> list:
    """Promotions the editors chose for this query, limited to pages the user may see."""
    promotions = list(query.editors_picks.select_related("page").order_by("sort_order"))
    page_ids = [promotion.page_id for promotion in promotions if promotion.page_id]
    visible = set(PortalPageQuerySet(Page).visible_to(user).filter(pk__in=page_ids).values_list("pk", flat=True))
    return [
        promotion
        for promotion in promotions
        if promotion.page_id in visible or (not promotion.page_id and promotion.external_link_url)
    ]


@require_GET
def suggestions(request):
    """Titles completing what is typed, for the search box (progressive enhancement)."""
    query = search.clean_query(request.GET.get("q", ""))
    if len(query) < 2:
        return JsonResponse({"suggestions": []})
    try:
        items = search.suggestions(request.user, query)
    except search.ENGINE_ERRORS:
        return JsonResponse({"suggestions": []}, status=503)
    return JsonResponse({"suggestions": items})


def document_versions(request, document_id: int):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=document_id)
    return render(
        request,
        "search/document_versions.html",
        {"document": document, "versions": document.versions.select_related("uploaded_by")},
    )


def document_version(request, document_id: int, version_id: int):
    """A former file of a document, for whoever may see the document (the same collection rule)."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=document_id)
    version = get_object_or_404(DocumentVersion, pk=version_id, document=document)
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
