"""The document archive: Wagtail documents that carry their extracted text and their file history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from search.visibility import hidden_collection_ids


class DocumentQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def visible_to(self, user) -> DocumentQuerySet:
        """Documents whose collection (and its ancestors) let this user in: the one rule for documents."""
        hidden = hidden_collection_ids(user)
        return self.exclude(collection_id__in=hidden) if hidden else self.all()


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    """Listings never need the extracted text, which can weigh megabytes per row."""

    def get_queryset(self) -> DocumentQuerySet:
        return super().get_queryset().defer("extracted_text")


class Document(AbstractDocument):
    """A Wagtail document whose text is extracted in the background so the archive is searchable.

    The text lives on the row (a nullable column, deferred in listings) rather than in a
    side table so that Wagtail indexes it with the title in one document of the engine.
    """

    class ExtractionStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        EXTRACTED = "extracted", _("extracted")
        FAILED = "failed", _("failed")
        UNSUPPORTED = "unsupported", _("unsupported")

    # Redeclared only to name the reverse accessors, which would clash with Wagtail's own Document model.
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by user"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="archive_documents",
    )
    uploaded_by_user.wagtail_reference_index_ignore = True
    tags = TaggableManager(help_text=None, blank=True, verbose_name=_("tags"), related_name="archive_documents")

    extracted_text = models.TextField(
        _("extracted text"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Pages of a PDF are separated by form feeds."),
    )
    extraction_status = models.CharField(
        _("extraction status"),
        max_length=16,
        choices=ExtractionStatus.choices,
        default=ExtractionStatus.PENDING,
        editable=False,
        db_index=True,
    )
    extraction_error = models.TextField(_("extraction error"), blank=True, editable=False)
    page_count = models.PositiveIntegerField(_("page count"), null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True, editable=False)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True, editable=False, db_index=True)
    extracted_at = models.DateTimeField(_("extracted at"), null=True, blank=True, editable=False)
    file_type = models.CharField(_("file type"), max_length=16, blank=True, editable=False, db_index=True)

    # Every added field is computed from the file, so editors keep Wagtail's form.
    admin_form_fields = WagtailDocument.admin_form_fields

    objects = DocumentManager()

    search_fields = AbstractDocument.search_fields + [
        index.SearchField("extracted_text"),
        index.FilterField("extraction_status"),
        index.FilterField("file_type"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", "Can choose document")]

    @classmethod
    def get_indexed_objects(cls):
        # The index needs the text: load it with the rows rather than one query per document.
        return super().get_indexed_objects().defer(None)

    def save(self, *args, **kwargs):
        self.file_type = self.file_extension.lower()[:16]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "file_type"}
        super().save(*args, **kwargs)

    @property
    def pages(self) -> list[str]:
        """The extracted text split into pages (one item for formats without pages)."""
        return (self.extracted_text or "").split("\f")


class DocumentVersion(models.Model):
    """A copy of each file a document has held, so replacing a file never loses the earlier one."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), related_name="versions", on_delete=models.CASCADE
    )
    file = models.FileField(_("file"), upload_to="document_versions")
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("size"), null=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.document} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("search:document_version", args=[self.document_id, self.pk])

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class UnansweredQuery(models.Model):
    """Searches that found nothing, so editors see what people look for in vain."""

    query_string = models.CharField(_("search terms"), max_length=255, unique=True)
    times = models.PositiveIntegerField(_("times searched"), default=1)
    first_seen = models.DateTimeField(_("first searched"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last searched"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.query_string
