"""Admin: the extraction state of the document archive, under Reports, so that a failed file gets noticed and fixed.

Editors see the documents they may change (Wagtail collection permissions, or ``search.change_document``),
failures first, and send a document (or every failed one) back to the extraction queue.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import policy_registry

from search import services
from search.models import Document

Status = Document.ExtractionStatus
CHANGE_PERMISSION = "search.change_document"
RETRY_FORM_ID = "document-extraction-retry"


def permission_policy():
    return policy_registry.get_by_type(Document)


def _sees_every_document(user) -> bool:
    # Wagtail's collection policy ignores model permissions given outside collections: honour them here.
    return user.is_active and user.has_perm(CHANGE_PERMISSION)


def user_may_change_documents(user) -> bool:
    """Superusers, ``search.change_document`` holders, and anyone Wagtail lets change documents in a collection."""
    if not (user.is_authenticated and user.is_active):
        return False
    return _sees_every_document(user) or permission_policy().user_has_permission(user, "change")


def user_may_change_document(user, document: Document) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return _sees_every_document(user) or permission_policy().user_has_permission_for_instance(user, "change", document)


def documents_user_may_change(user):
    """The documents of the report, without their (possibly huge) extracted text."""
    if _sees_every_document(user):
        documents = Document.objects.all()
    else:
        documents = permission_policy().instances_user_has_permission_for(user, "change")
    return documents.defer("extracted_text")


def file_type_choices():
    types = Document.objects.exclude(file_type="").order_by("file_type").values_list("file_type", flat=True)
    return [(file_type, file_type.upper()) for file_type in types.distinct()]


class DocumentExtractionFilterSet(WagtailFilterSet):
    extraction_status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    file_type = django_filters.ChoiceFilter(label=_("File type"), choices=file_type_choices, empty_label=_("All"))

    class Meta:
        model = Document
        fields = ["extraction_status", "file_type"]


class StatusColumn(Column):
    """A badge with an icon and the status in words: never colour alone."""

    cell_template_name = "search/admin/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status"] = instance.extraction_status
        context["label"] = instance.get_extraction_status_display()
        return context


class RetryColumn(Column):
    """The per-document "Extract again" button, submitting the one form above the table (no nested forms)."""

    cell_template_name = "search/admin/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["retry_url"] = reverse("search_admin:document_extraction_retry", args=(instance.pk,))
        context["form_id"] = RETRY_FORM_ID
        return context


def edit_url(document: Document) -> str:
    return reverse("wagtaildocs:edit", args=(document.pk,))


class DocumentExtractionReportView(ReportView):
    template_name = "search/admin/document_extraction.html"
    results_template_name = "search/admin/document_extraction_results.html"
    page_title = _("Document text extraction")
    header_icon = "doc-full-inverse"
    model = Document
    filterset_class = DocumentExtractionFilterSet
    index_url_name = "search_admin:document_extraction"
    index_results_url_name = "search_admin:document_extraction_results"
    is_searchable = True
    search_fields = ["title"]
    search_backend_name = None  # a title filter in the database: the report must work when the engine is down
    verbose_name = _("document")
    verbose_name_plural = _("documents")
    paginate_by = 50
    # Failures first, then the newest uploads.
    default_ordering = ("failures_first", "-created_at", "-pk")

    columns = [
        TitleColumn("title", label=_("Title"), get_url=edit_url, sort_key="title"),
        Column("collection", label=_("Collection"), accessor="collection.name"),
        Column("file_type", label=_("File type"), accessor=lambda document: document.file_type.upper()),
        StatusColumn("extraction_status", label=_("Status"), sort_key="extraction_status"),
        Column("extraction_error", label=_("Reason")),
        Column("page_count", label=_("Pages"), sort_key="page_count"),
        Column("language", label=_("Language"), accessor=lambda document: document.language.upper()),
        DateColumn("extracted_at", label=_("Extracted at"), sort_key="extracted_at"),
        RetryColumn("retry", label=_("Actions")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not user_may_change_documents(request.user):
            raise PermissionDenied  # Wagtail's admin turns it into its "permission denied" redirect
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            documents_user_may_change(self.request.user)
            .select_related("collection")
            .annotate(
                failures_first=Case(
                    When(extraction_status=Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
        )

    def order_queryset(self, queryset):
        ordering = self.ordering
        if not isinstance(ordering, (list, tuple)):
            ordering = (ordering, "-pk")  # a stable order across pages when sorting on a column
        return queryset.order_by(*ordering)

    @cached_property
    def status_counts(self) -> list[dict]:
        """One aggregate query over the documents the user may change, whatever the filters."""
        totals = documents_user_may_change(self.request.user).aggregate(
            **{status: Count("pk", filter=Q(extraction_status=status)) for status in Status.values}
        )
        return [
            {
                "status": status,
                "label": status.label,
                "count": totals[status],
                "url": f"{self.index_url}?{urlencode({'extraction_status': status.value})}",
            }
            for status in Status
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        context["next_url"] = f"{self.index_url}?{query.urlencode()}" if query else self.index_url
        context["retry_form_id"] = RETRY_FORM_ID
        if not self.results_only:
            context["status_counts"] = self.status_counts
            context["failed_count"] = next(row["count"] for row in self.status_counts if row["status"] == Status.FAILED)
        return context


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("search_admin:document_extraction")


@require_POST
def retry_extraction(request, document_id: int):
    """Send one document back to the extraction queue; its previous state comes back if the queue is down."""
    document = get_object_or_404(Document.objects.defer("extracted_text").select_related("collection"), pk=document_id)
    if not user_may_change_document(request.user, document):
        raise PermissionDenied
    try:
        services.extract_again(Document.objects.filter(pk=document.pk))
    except services.QueueUnavailable:
        messages.error(
            request,
            _(
                "The task queue cannot be reached: the extraction of “%(title)s” was not queued "
                "and the document keeps its status. Try again later."
            )
            % {"title": document.title},
        )
    else:
        messages.success(
            request,
            _("Extraction of “%(title)s” queued.") % {"title": document.title},
            buttons=[messages.button(edit_url(document), _("Edit"))],
        )
    return redirect(_next_url(request))


@require_POST
def retry_failed_extractions(request):
    """Send every failed document the user may change back to the queue, one job each."""
    if not user_may_change_documents(request.user):
        raise PermissionDenied
    failed = documents_user_may_change(request.user).filter(extraction_status=Status.FAILED)
    try:
        queued = services.extract_again(failed)
    except services.QueueUnavailable as unavailable:
        messages.error(
            request,
            ngettext(
                "The task queue cannot be reached: %(queued)s of %(total)s failed extraction was queued; "
                "the others keep their status. Try again later.",
                "The task queue cannot be reached: %(queued)s of %(total)s failed extractions were queued; "
                "the others keep their status. Try again later.",
                unavailable.total,
            )
            % {"queued": unavailable.queued, "total": unavailable.total},
        )
        return redirect(_next_url(request))
    if not queued:
        messages.info(request, _("No document has a failed extraction."))
    else:
        messages.success(
            request,
            ngettext("%(count)s extraction queued.", "%(count)s extractions queued.", queued) % {"count": queued},
        )
    return redirect(_next_url(request))
