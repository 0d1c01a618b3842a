"""Events as iCalendar (RFC 5545), for a download per event and the subscribable feed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Site

from .models import EventPage

CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_component(event: EventPage, request, host: str) -> icalendar.Event:
    """One VEVENT: Paris times with their TZID, or whole days (VALUE=DATE, exclusive end)."""
    paris = ZoneInfo(settings.TIME_ZONE)
    if event.all_day:
        start, end = event.start_date, event.end_date + datetime.timedelta(days=1)
    else:
        start, end = event.start.astimezone(paris), event.end.astimezone(paris)
    modified = event.last_published_at or event.latest_revision_created_at or timezone.now()
    component = icalendar.Event.new(
        uid=f"event-{event.pk}@{host}",
        # Without METHOD, DTSTAMP is when the information last changed (RFC 5545, 3.8.7.2).
        stamp=modified,
        last_modified=modified,
        start=start,
        end=end,
        summary=event.title,
        description=event.excerpt or None,
        location=event.location or None,
        url=event.get_full_url(request),
        categories=[str(event.get_kind_display())],
    )
    return component


def calendar_response(events: Iterable[EventPage], request, *, name: str, filename: str, attachment: bool):
    # The site's host, not the request's: UIDs must not change with the address a client used.
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host().split(":")[0]
    calendar = icalendar.Calendar.new(
        prodid=f"-//{settings.WAGTAIL_SITE_NAME}//Agenda//{get_language().upper()}",
        name=name,
        uid=f"{filename}@{host}",
        subcomponents=[event_component(event, request, host) for event in events],
    )
    # RFC 7986 wants the value type spelled out; icalendar leaves it implicit.
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.ics"'
    return response
