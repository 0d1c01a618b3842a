"""The agenda's rules: which kind was asked for, which month, which page, how a month is laid out."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.formats import get_format

# Beyond these years a month URL is a typo or a crawler walking "next month" forever.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def kind_filter(request, kinds: Collection[str]) -> str | None:
    """The kind asked for in ``?type=``; an unknown kind is a 404, not an empty list."""
    kind = request.GET.get("type") or None
    if kind is not None and kind not in kinds:
        raise Http404("Unknown event kind")
    return kind


def paginate(request, items, per_page: int) -> Page:
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def month_start(year: int | str, month: int | str) -> datetime.date:
    year, month = int(year), int(month)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404("Unknown month")
    return datetime.date(year, month, 1)


def shift_month(first_day: datetime.date, months: int) -> datetime.date | None:
    """The first day of the month ``months`` away, or None outside the browsable years."""
    index = first_day.year * 12 + first_day.month - 1 + months
    year, month = divmod(index, 12)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return datetime.date(year, month + 1, 1)


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)


def month_weeks(first_day: datetime.date, events) -> list[list[CalendarDay]]:
    """The month as weeks of days, starting on the language's first weekday, each day with its events.

    An event lasting several days appears on each of them.
    """
    # Django counts weekdays from Sunday = 0, Python's calendar from Monday = 0.
    first_weekday = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    today = timezone.localdate()
    weeks = []
    for week in calendar.Calendar(first_weekday).monthdatescalendar(first_day.year, first_day.month):
        days = []
        for day in week:
            in_month = day.month == first_day.month
            day_events = [event for event in events if event.start_date <= day <= event.end_date] if in_month else []
            days.append(CalendarDay(day, in_month, day == today, day_events))
        weeks.append(days)
    return weeks
