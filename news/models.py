from __future__ import annotations

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from news import services
from news.feeds import NewsAtomFeed, NewsRssFeed
from portal.blocks import BodyBlock
from portal.pages import PortalPageQuerySet


class NewsCategory(models.Model):
    """A controlled list (Annonce, Appel à projets…) so readers can follow one kind of news."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=False, verbose_name=_("slug"))

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return self.name


class NewsPageQuerySet(PortalPageQuerySet):
    def for_listing(self) -> NewsPageQuerySet:
        """What a card needs, in a fixed number of queries however many items are shown."""
        return (
            self.select_related("lead_image", "category")
            .prefetch_related("tags", "lead_image__renditions")
            .order_by("-publication_date", "-pk")
        )


NewsPageManager = PageManager.from_queryset(NewsPageQuerySet)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsIndexPage(RoutablePageMixin, Page):
    """The news section (/actualites/): one listing with archives by month, category and tag, and feeds."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")

    def news_visible_to(self, user) -> NewsPageQuerySet:
        return NewsPage.objects.child_of(self).visible_to(user)

    @path("", name="all")
    def all_news(self, request):
        return self.render_listing(request, services.Archive())

    @re_path(r"^(?P<year>\d{4})/$", name="year")
    def year_archive(self, request, year):
        return self.render_listing(request, services.Archive(period=services.archive_month(int(year))))

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", name="month")
    def month_archive(self, request, year, month):
        period = services.archive_month(int(year), int(month))
        return self.render_listing(request, services.Archive(period=period, by_month=True))

    @re_path(r"^categorie/(?P<slug>[-\w]+)/$", name="category")
    def category_archive(self, request, slug):
        return self.render_listing(request, services.Archive(category=get_object_or_404(NewsCategory, slug=slug)))

    @re_path(r"^etiquette/(?P<slug>[-\w]+)/$", name="tag")
    def tag_archive(self, request, slug):
        return self.render_listing(request, services.Archive(tag=get_object_or_404(Tag, slug=slug)))

    @path("flux/rss/", name="rss")
    def rss_feed(self, request):
        return NewsRssFeed(self)(request)

    @path("flux/atom/", name="atom")
    def atom_feed(self, request):
        return NewsAtomFeed(self)(request)

    def render_listing(self, request, archive: services.Archive):
        news = self.news_visible_to(request.user)
        page_obj = services.paginate(archive.filter(news).for_listing(), request.GET.get("page"))
        if archive.must_have_items and not page_obj.paginator.count:
            raise Http404(_("No news here."))
        return self.render(
            request,
            context_overrides={
                "archive": archive,
                "page_obj": page_obj,
                "news_items": page_obj.object_list,
                "archive_years": services.archive_years(news),
                "categories": services.category_counts(news),
                "popular_tags": services.popular_tags(news),
            },
        )


class NewsPage(Page):
    """One news item. ``publication_date`` is the date readers see and archives use, editable for back-dating."""

    publication_date = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("publication date"))
    category = models.ForeignKey(
        NewsCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_pages",
        verbose_name=_("category"),
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    lead_image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lead image"),
    )
    excerpt = models.TextField(
        blank=True,
        max_length=400,
        verbose_name=_("excerpt"),
        help_text=_("Two or three sentences shown in listings, on the home page and in feeds."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    is_featured = models.BooleanField(
        default=False,
        verbose_name=_("lead story"),
        help_text=_("Shown first on the home page; the most recent lead story wins."),
    )

    objects = NewsPageManager()

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("publication_date"), FieldPanel("category"), FieldPanel("tags"), FieldPanel("is_featured")],
            heading=_("Publication"),
        ),
        FieldPanel("lead_image"),
        FieldPanel("excerpt"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("excerpt", boost=1.5),
        index.SearchField("body"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("publication_date"),
        index.FilterField("category"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def get_absolute_url(self) -> str:
        return self.get_url()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_index"] = NewsIndexPage.objects.parent_of(self).first()
        context["attachments"] = self.attachments.select_related("document")
        return context


class NewsPageAttachment(Orderable):
    """A file published with the item (minutes, call text, slides), listed with its type and size."""

    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    label = models.CharField(
        max_length=255, blank=True, verbose_name=_("label"), help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_label(self) -> str:
        return self.label or self.document.title
