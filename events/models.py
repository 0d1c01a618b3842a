"""The agenda: seminars, events and meetings, listed by date and exported to calendar clients."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from portal.blocks import BodyBlock
from portal.pages import PortalPageQuerySet

from . import services


class EventKind(models.TextChoices):
    # The values appear in URLs (?type=seminaire), hence French.
    SEMINAR = "seminaire", _("seminar")
    EVENT = "evenement", _("event")
    MEETING = "reunion", _("meeting")


class AttachmentLabel(models.TextChoices):
    PROGRAMME = "programme", _("programme")
    SLIDES = "slides", _("slides")
    MINUTES = "minutes", _("minutes")
    OTHER = "other", _("document")


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware instant a calendar day starts in the portal's time zone (DST-safe)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class EventPageQuerySet(PortalPageQuerySet):
    def upcoming(self) -> EventPageQuerySet:
        """Not yet ended (so an event in progress is still listed), soonest first."""
        return self.filter(end__gte=timezone.now()).order_by("start", "pk")

    def past(self) -> EventPageQuerySet:
        return self.filter(end__lt=timezone.now()).order_by("-start", "-pk")

    def in_month(self, year: int, month: int) -> EventPageQuerySet:
        """Events overlapping the month, in Europe/Paris days, in date order."""
        first_day = datetime.date(year, month, 1)
        next_month = (first_day + datetime.timedelta(days=31)).replace(day=1)
        return self.filter(start__lt=local_midnight(next_month), end__gte=local_midnight(first_day)).order_by(
            "start", "pk"
        )

    def of_kind(self, kind: str | None) -> EventPageQuerySet:
        return self.filter(kind=kind) if kind else self

    def for_listing(self) -> EventPageQuerySet:
        """What an agenda item shows (its fields and speakers), without the body."""
        return self.defer_streamfields().prefetch_related("speakers")


EventPageManager = PageManager.from_queryset(EventPageQuerySet)


class EventIndexPage(RoutablePageMixin, Page):
    """The agenda (/agenda/): upcoming and past events, a month calendar and an iCalendar feed.

    It lists every event the visitor may see, wherever it sits in the tree, so
    that events published elsewhere (in groups, later) appear in one agenda.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1
    per_page = 20

    class Meta:
        verbose_name = _("agenda")

    @path("", name="upcoming")
    def upcoming_view(self, request):
        return self.render_list(request, EventPage.objects.visible_to(request.user).upcoming(), past=False)

    @path("passes/", name="past")
    def past_view(self, request):
        return self.render_list(request, EventPage.objects.visible_to(request.user).past(), past=True)

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", name="month")
    def month_view(self, request, year, month):
        first_day = services.month_start(year, month)
        kind = services.kind_filter(request, EventKind.values)
        visible = EventPage.objects.visible_to(request.user)
        events = list(visible.in_month(first_day.year, first_day.month).of_kind(kind).for_listing())
        previous_month, next_month = services.shift_month(first_day, -1), services.shift_month(first_day, 1)
        return self.render(
            request,
            template="events/event_month.html",
            context_overrides={
                **self.navigation_context(kind),
                "month": first_day,
                "weeks": services.month_weeks(first_day, events),
                "events": events,
                "previous_month": previous_month,
                "previous_month_url": previous_month and self.month_url(previous_month),
                "next_month": next_month,
                "next_month_url": next_month and self.month_url(next_month),
            },
        )

    def render_list(self, request, events: EventPageQuerySet, *, past: bool):
        kind = services.kind_filter(request, EventKind.values)
        page_obj = services.paginate(request, events.of_kind(kind).for_listing(), self.per_page)
        return self.render(
            request,
            context_overrides={**self.navigation_context(kind), "page_obj": page_obj, "events": page_obj, "past": past},
        )

    def navigation_context(self, kind: str | None) -> dict:
        return {
            "kind": kind,
            "kinds": EventKind.choices,
            "past_url": self.url + self.reverse_subpage("past"),
            "this_month_url": self.month_url(timezone.localdate()),
        }

    def month_url(self, day: datetime.date) -> str:
        return self.url + self.reverse_subpage("month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"})

    @property
    def feed_url(self) -> str:
        """Served by events.views.upcoming_feed: Wagtail's page URLs cannot end in ".ics"."""
        return self.url + "flux.ics"


class EventPage(Page):
    """A seminar, event or meeting: when, where, who speaks, and its documents."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.SEMINAR)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(
        _("all day"),
        default=False,
        help_text=_("Only the dates matter: the event lasts from the first to the last day."),
    )
    site = models.CharField(_("site"), max_length=255, blank=True, help_text=_("For example: Université de Bordeaux."))
    room = models.CharField(_("room"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Number of places."))
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("One or two sentences shown in lists and calendar clients.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    objects = EventPageManager()

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("all_day")], heading=_("When")
        ),
        MultiFieldPanel(
            [FieldPanel("site"), FieldPanel("room"), FieldPanel("address"), FieldPanel("online_url")],
            heading=_("Where"),
            help_text=_("Leave everything empty while the place is not known yet: the page says so."),
        ),
        InlinePanel("speakers", label=_("Speakers")),
        MultiFieldPanel([FieldPanel("registration_url"), FieldPanel("capacity")], heading=_("Registration")),
        FieldPanel("excerpt"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("excerpt"),
        index.SearchField("body"),
        index.SearchField("site"),
        index.AutocompleteField("site"),
        index.RelatedFields("speakers", [index.SearchField("name"), index.SearchField("affiliation")]),
        index.FilterField("kind"),
        index.FilterField("start"),
        index.FilterField("end"),
    ]

    parent_page_types = ["events.EventIndexPage", "groups.GroupPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def clean(self):
        super().clean()
        if not (self.start and self.end):
            return  # the fields' own "required" errors say it
        start, end = self.start, self.end
        if self.all_day:
            # Stored as whole days in Paris, so "upcoming" and month overlaps need no special case.
            start = local_midnight(self.start_date)
            end = local_midnight(self.end_date + datetime.timedelta(days=1)) - datetime.timedelta(seconds=1)
        if end < start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})
        self.start, self.end = start, end

    def get_absolute_url(self):
        return self.get_url()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["speakers"] = self.speakers.all()
        context["attachments"] = self.attachments.select_related("document")
        return context

    @property
    def start_date(self) -> datetime.date:
        return timezone.localtime(self.start, ZoneInfo(settings.TIME_ZONE)).date()

    @property
    def end_date(self) -> datetime.date:
        return timezone.localtime(self.end, ZoneInfo(settings.TIME_ZONE)).date()

    @property
    def is_single_day(self) -> bool:
        return self.start_date == self.end_date

    @property
    def has_place(self) -> bool:
        return bool(self.site or self.room or self.address or self.online_url)

    @property
    def has_ended(self) -> bool:
        return self.end < timezone.now()

    @property
    def place_label(self) -> str:
        """Where, in a few words, for lists: room and site (or address), "online", or "to be confirmed"."""
        parts = [part for part in (self.room, self.site) if part] or self.address.splitlines()[:1]
        if self.online_url:
            parts.append(gettext("online"))
        return ", ".join(parts) if parts else gettext("Place to be confirmed")

    @property
    def location(self) -> str:
        """The place on one line, as calendar clients show it."""
        parts = [self.room, self.site, " ".join(self.address.split())]
        return ", ".join(part for part in parts if part) or self.online_url

    @property
    def ics_url(self) -> str:
        return self.url + "evenement.ics"


class EventSpeaker(Orderable):
    """Who speaks, in the order the programme lists them (free text: guests are not portal members)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=255)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("affiliation")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class EventAttachment(Orderable):
    """A document that belongs to the event (programme before, slides or minutes after), with what it is."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    label = models.CharField(_("label"), max_length=20, choices=AttachmentLabel.choices, default=AttachmentLabel.OTHER)

    panels = [FieldPanel("label"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
