"""The news section's rules: which items an archive holds and what the sidebar counts.

Every function takes a queryset already filtered by ``visible_to(user)``, so counts
never reveal restricted items, and runs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _
from taggit.models import Tag

if TYPE_CHECKING:
    from news.models import NewsCategory

NEWS_PER_PAGE = 12
POPULAR_TAG_COUNT = 15


@dataclass(frozen=True)
class Archive:
    """The slice of the news a listing shows: a year or month, a category, a tag, or everything."""

    period: date | None = None
    by_month: bool = False
    category: NewsCategory | None = None
    tag: Tag | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(self.period or self.category or self.tag)

    @property
    def must_have_items(self) -> bool:
        """A month or tag with nothing this reader may see is a 404; a category always exists."""
        return bool(self.period or self.tag)

    def filter(self, news: QuerySet) -> QuerySet:
        if self.period and self.by_month:
            news = news.filter(publication_date__year=self.period.year, publication_date__month=self.period.month)
        elif self.period:
            news = news.filter(publication_date__year=self.period.year)
        if self.category:
            news = news.filter(category=self.category)
        if self.tag:
            news = news.filter(tags=self.tag)
        return news


@dataclass(frozen=True)
class ArchiveMonth:
    month: date
    count: int


@dataclass
class ArchiveYear:
    year: int
    count: int = 0
    months: list[ArchiveMonth] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryCount:
    name: str
    slug: str
    count: int


def archive_month(year: int, month: int | None = None) -> date:
    """The first day of an archive period; 404 for a year or month that cannot exist."""
    try:
        return date(year, month or 1, 1)
    except ValueError as error:
        raise Http404(_("There is no such month.")) from error


def archive_years(news: QuerySet) -> list[ArchiveYear]:
    """Years and months that have news, most recent first, with counts (one query)."""
    rows = (
        news.order_by()
        .annotate(month=TruncMonth("publication_date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    years: dict[int, ArchiveYear] = {}
    for row in rows:
        month = row["month"].date()
        year = years.setdefault(month.year, ArchiveYear(month.year))
        year.count += row["count"]
        year.months.append(ArchiveMonth(month, row["count"]))
    return list(years.values())


def category_counts(news: QuerySet) -> list[CategoryCount]:
    """Categories that have news, alphabetically, with counts (one query)."""
    rows = (
        news.order_by()
        .filter(category__isnull=False)
        .values("category__name", "category__slug")
        .annotate(count=Count("pk"))
        .order_by("category__name")
    )
    return [CategoryCount(row["category__name"], row["category__slug"], row["count"]) for row in rows]


def popular_tags(news: QuerySet, limit: int = POPULAR_TAG_COUNT) -> list[Tag]:
    """The most used tags, each with ``news_count`` (one query)."""
    return list(
        Tag.objects.filter(news_newspagetag_items__content_object__in=news.order_by().values("pk"))
        .annotate(news_count=Count("news_newspagetag_items"))
        .order_by("-news_count", "name")[:limit]
    )


def paginate(items: QuerySet, page_number: str | None, per_page: int = NEWS_PER_PAGE) -> Page:
    """One page of items; 404 for a page number that is not a number or past the end."""
    try:
        return Paginator(items, per_page).page(page_number or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page.")) from error
