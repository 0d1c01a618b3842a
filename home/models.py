from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import BodyBlock


class HomePage(Page):
    """The portal's front door: the lead story, latest news, what comes next, where to go."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("introduction"))
    news_count = models.PositiveSmallIntegerField(
        default=4, verbose_name=_("news items shown"), help_text=_("Besides the lead story.")
    )
    events_count = models.PositiveSmallIntegerField(default=5, verbose_name=_("events shown"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("news_count"),
        FieldPanel("events_count"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from events.models import EventPage
        from news.models import NewsPage

        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.visible_to(request.user).for_listing()
        context["lead_news"], context["latest_news"] = self.lead_and_latest(news)
        context["upcoming_events"] = (
            EventPage.objects.visible_to(request.user).upcoming().for_listing()[: self.events_count]
        )
        return context

    def lead_and_latest(self, news):
        """The latest featured story (else the latest one) and the next ones, fetched in one listing query.

        Their keys come first (two index scans): the listing then reads a handful of pages by key,
        where "this one or these" made PostgreSQL scan every page.
        """
        featured = news.filter(is_featured=True).values_list("pk", flat=True).first()
        latest = list(news.exclude(pk=featured).values_list("pk", flat=True)[: self.news_count + (featured is None)])
        lead_pk = featured if featured is not None else (latest.pop(0) if latest else None)
        if lead_pk is None:
            return None, []
        items = {item.pk: item for item in news.filter(pk__in=[lead_pk, *latest])}
        return items[lead_pk], [items[pk] for pk in latest if pk in items]


class StandardPage(Page):
    """A plain content page: about the network, legal notice, accessibility statement."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def get_absolute_url(self):
        return self.get_url()
