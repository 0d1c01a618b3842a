"""One search over every kind of content, trimmed to what the user may see inside the engine query.

Each source (pages, documents, people) starts from its app's own visibility rule
(``visible_to``; pages: ``searchable_by``), which the engine receives as filters (paths, collections, the
``is_listed`` flag) before ``.search()``: counts, facets, pagination and
suggestions are computed over what the user may see, never trimmed afterwards.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from portal.pages import PortalPageQuerySet, cached_for_audience
from search.backends.facets import FacetBatch, FacetCounts, FacetRequest, FacetSpec, Prefixes, Terms, Years
from search.models import Document

MAX_QUERY_LENGTH = getattr(settings, "SEARCH_MAX_QUERY_LENGTH", 200)
RESULTS_PER_PAGE = 10
MAX_PAGE = 50
PASSAGE_RADIUS = 110


def engine_errors() -> tuple[type[BaseException], ...]:
    """What a search engine that is down or unreachable raises, from the clients that are installed."""
    errors: list[type[BaseException]] = []
    try:
        import elastic_transport

        errors += [elastic_transport.TransportError]
    except ImportError:
        pass
    try:
        import elasticsearch

        errors += [elasticsearch.ApiError, elasticsearch.TransportError]
    except ImportError:
        pass
    try:
        from search.backends.opensearch3 import import_opensearchpy

        import_opensearchpy()
        import opensearchpy

        errors += [opensearchpy.exceptions.TransportError, opensearchpy.exceptions.ConnectionError]
    except ImportError:
        pass
    return tuple(errors)


ENGINE_ERRORS = engine_errors()


@dataclass(frozen=True)
class Kind:
    """A kind of result: its badge, its model and the date it is sorted and faceted by."""

    key: str
    label: str
    model_label: str
    date_field: str

    @cached_property
    def model(self):
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None

    @property
    def is_page(self) -> bool:
        return self.model is not None and issubclass(self.model, Page)


KINDS = [
    Kind("news", _("News item"), "news.NewsPage", "first_published_at"),
    Kind("event", _("Event"), "events.EventPage", "first_published_at"),
    Kind("discussion", _("Discussion"), "groups.GroupPostPage", "first_published_at"),
    Kind("group", _("Group"), "groups.GroupPage", "first_published_at"),
    Kind("document", _("Document"), "search.Document", "created_at"),
    Kind("person", _("Person"), "people.Profile", ""),
]


def available_kinds() -> list[Kind]:
    return [kind for kind in KINDS if kind.model is not None]


def kind_by_key(key: str) -> Kind | None:
    return next((kind for kind in available_kinds() if kind.key == key), None)


def clean_query(raw: str) -> str:
    """Query-syntax characters are text: keep words (letters, digits), cut at the stated length."""
    text = raw[:MAX_QUERY_LENGTH]
    return " ".join(re.findall(r"\w+", text))


# French function words, as the engines' ``_french_`` stop filter and PostgreSQL's french
# configuration drop them. SQLite FTS5 keeps every word: with "or" between words, "du" or "des"
# would match nearly every row and rank all of them.
STOP_WORDS = frozenset(
    "au aux avec ce ces cet cette d dans de des du elle en est et il ils l la le les leur leurs lui "
    "ma mais me mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes "
    "ton un une vos votre vous".split()
)


def search_words(query: str) -> str:
    """The words the engine is asked for: the query without function words (unless it has nothing else)."""
    words = [word for word in query.split() if word.lower() not in STOP_WORDS]
    return " ".join(words) or query


# Filters chosen by the user -------------------------------------------------------------


FILTER_ATTRIBUTES = {"site": "site_id"}


@dataclass
class Filters:
    kind: Kind | None = None
    group: Page | None = None
    year: int | None = None
    file_type: str = ""
    site_id: int | None = None

    def is_set(self, name: str) -> bool:
        return bool(getattr(self, FILTER_ATTRIBUTES.get(name, name)))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.key if self.kind else "",
            "group": self.group.pk if self.group else "",
            "year": self.year or "",
            "file_type": self.file_type,
            "site": self.site_id or "",
        }


def first_year(model, date_field: str) -> int | None:
    """The year of the oldest date of that field, in the current time zone (None when there is none).

    The engines count facet years from it (``Years.first_year``).
    """
    oldest = model.objects.aggregate(oldest=Min(date_field))["oldest"]
    return timezone.localtime(oldest).year if oldest else None


def year_range(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


# Sources -------------------------------------------------------------------------------


class Source:
    """One model family searched in one engine query."""

    kinds: Sequence[Kind] = ()

    def __init__(self, user, filters: Filters):
        self.user = user
        self.filters = filters
        self.total: int | None = None  # once counted (by ``facets``)
        self.first_hits: list[Hit] | None = None  # its first results, read with the counts

    def applies(self, ignore: str = "") -> bool:
        kind = None if ignore == "kind" else self.filters.kind
        if kind is not None and kind not in self.kinds:
            return False
        return all(self.accepts(name) for name in ("group", "year", "file_type", "site") if name != ignore)

    def accepts(self, filter_name: str) -> bool:
        """Whether results of this source can match a value of that filter at all."""
        return not self.filters.is_set(filter_name)

    def keeps_results(self, filter_name: str) -> bool:
        """Whether that filter, set, leaves this source's results as they are: the kind of a source
        of one kind, when it is that kind. Its facet is then counted with the results."""
        return filter_name == "kind" and len(self.kinds) == 1 and self.applies()

    facet_names: Sequence[str] = ("kind",)

    def facet_spec(self, name: str, groups: list[Page]) -> FacetSpec | None:
        """What the engine counts for that facet (None: the number of results is the count)."""
        return None

    def facet_values(self, name: str, total: int, counts: dict, groups: list[Page]) -> dict:
        """The engine's counts as facet values (kind keys, group ids, years, file types, site ids)."""
        if name == "kind":
            return {self.kinds[0].key: total}
        return counts

    def queryset(self, ignore: str = ""):
        raise NotImplementedError

    def counted(self, found: FacetCounts, terms: list[str]) -> None:
        """The number of results and, as hits, the first ones whose keys came with the counts."""
        self.total = found.total
        if found.first is not None:
            self.first_hits = self.hits(self.load(found.first), terms)

    def hits_up_to(self, results, stop: int, terms: list[str]) -> list[Hit]:
        """The first ``stop`` results as hits: those read with the counts, unless there were fewer."""
        if self.first_hits is not None and len(self.first_hits) >= min(stop, self.total or 0):
            return self.first_hits[:stop]
        return self.hits(results[:stop], terms)

    def hits(self, objects: Iterable, terms: list[str]) -> list[Hit]:
        raise NotImplementedError

    def load(self, pks: list) -> list:
        """These results, in this order, read through the source's own rule: an entry the index
        still holds for something since hidden or deleted is left out."""
        found = {str(obj.pk): obj for obj in self.queryset().filter(pk__in=pks)}
        return [found[str(pk)] for pk in pks if str(pk) in found]

    def search(self, query: str, ignore: str = "", order_by_relevance: bool = True):
        queryset = self.queryset(ignore)
        if not order_by_relevance:
            queryset = queryset.order_by(f"-{self.date_field}")
        # "or": a document matching more of the words ranks higher, one matching some still comes.
        return queryset.search(search_words(query), operator="or", order_by_relevance=order_by_relevance)

    date_field = ""


class PageSource(Source):
    def __init__(self, user, filters):
        super().__init__(user, filters)
        self.kinds = [kind for kind in available_kinds() if kind.is_page]
        self.date_field = "first_published_at"

    def accepts(self, filter_name):
        return filter_name in {"group", "year"} or super().accepts(filter_name)

    facet_names = ("kind", "group", "year")

    def facet_spec(self, name, groups):
        if name == "kind":
            return Terms("content_type_id", tuple(sorted(self.content_type_ids().values())))
        if name == "group":
            return Prefixes("path", tuple(group.path for group in groups))
        return Years("first_published_at", partial(first_year, Page, "first_published_at"))

    def facet_values(self, name, total, counts, groups):
        if name == "kind":
            content_type_ids = self.content_type_ids()
            return {kind.key: counts.get(content_type_ids[kind.key], 0) for kind in self.kinds}
        if name == "group":
            return {group.pk: counts.get(group.path, 0) for group in groups}
        return counts

    def content_type_ids(self) -> dict[str, int]:
        content_types = ContentType.objects.get_for_models(*[kind.model for kind in self.kinds])
        return {kind.key: content_types[kind.model].pk for kind in self.kinds}

    def queryset(self, ignore=""):
        models = [kind.model for kind in self.kinds]
        if self.filters.kind and ignore != "kind":
            models = [self.filters.kind.model]
        queryset = visible_pages(self.user, models)
        if self.filters.group and ignore != "group":
            queryset = queryset.filter(path__startswith=self.filters.group.path)
        if self.filters.year and ignore != "year":
            start, end = year_range(self.filters.year)
            queryset = queryset.filter(first_published_at__gte=start, first_published_at__lt=end)
        return queryset

    def hits(self, objects, terms):
        return page_hits(objects, terms)


class DocumentSource(Source):
    date_field = "created_at"

    def __init__(self, user, filters):
        super().__init__(user, filters)
        self.kinds = [kind_by_key("document")]

    def accepts(self, filter_name):
        return filter_name in {"group", "year", "file_type"} or super().accepts(filter_name)

    facet_names = ("kind", "group", "year", "file_type")

    def facet_spec(self, name, groups):
        if name == "year":
            return Years("created_at", partial(first_year, Document, "created_at"))
        if name == "group":
            collections = sorted({group.collection_id for group in groups if getattr(group, "collection_id", None)})
            return Terms("collection_id", tuple(collections)) if collections else None
        return {"file_type": Terms("file_type")}.get(name)

    def facet_values(self, name, total, counts, groups):
        if name == "group":
            return {group.pk: counts.get(getattr(group, "collection_id", None), 0) for group in groups}
        return super().facet_values(name, total, counts, groups)

    def queryset(self, ignore=""):
        queryset = Document.objects.visible_to(self.user)
        group = self.filters.group
        if group and ignore != "group":
            queryset = queryset.filter(collection_id=getattr(group.specific, "collection_id", None) or 0)
        if self.filters.year and ignore != "year":
            start, end = year_range(self.filters.year)
            queryset = queryset.filter(created_at__gte=start, created_at__lt=end)
        if self.filters.file_type and ignore != "file_type":
            queryset = queryset.filter(file_type=self.filters.file_type)
        return queryset

    def hits(self, objects, terms):
        return document_hits(objects, terms)


class ProfileSource(Source):
    def __init__(self, user, filters):
        super().__init__(user, filters)
        self.kinds = [kind_by_key("person")]
        self.model = self.kinds[0].model

    def accepts(self, filter_name):
        return filter_name == "site" or super().accepts(filter_name)

    facet_names = ("kind", "site")

    def facet_spec(self, name, groups):
        return Terms("site_id") if name == "site" else None

    def queryset(self, ignore=""):
        queryset = self.model.objects.visible_to(self.user).select_related("user", "site")
        if self.filters.site_id and ignore != "site":
            queryset = queryset.filter(site_id=self.filters.site_id)
        return queryset

    def hits(self, objects, terms):
        return profile_hits(objects, terms)

    def search(self, query, ignore="", order_by_relevance=True):
        # People have no date: they keep their relevance order and come after dated results.
        return self.queryset(ignore).search(search_words(query), operator="or")


def visible_pages(user, page_types: list[type[Page]]) -> PortalPageQuerySet:
    """The portal's page rule for these page types, built once per request (the facets reuse it).

    Results come as specific pages (news, events…) straight from the query that ranks or loads them.
    """
    built = getattr(user, "_search_visible_pages", {}) if user is not None else {}
    key = tuple(page_types)
    if key not in built:
        built[key] = PortalPageQuerySet(Page).searchable_by(user, page_types).specific()
        if user is not None:
            user._search_visible_pages = built
    return built[key]


def sources_for(user, filters: Filters) -> list[Source]:
    sources: list[Source] = [PageSource(user, filters)]
    if kind_by_key("document"):
        sources.append(DocumentSource(user, filters))
    if kind_by_key("person"):
        sources.append(ProfileSource(user, filters))
    return sources


# Results -------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: Kind
    title: str
    url: str
    date: datetime | None
    score: float
    passage: SafeString | str = ""
    page_number: int | None = None
    details: list[str] = field(default_factory=list)
    versions_url: str = ""
    obj: object = None


def kind_of_page(page: Page) -> Kind | None:
    return next((kind for kind in available_kinds() if kind.is_page and isinstance(page, kind.model)), None)


RECENT_NEWS_BOOST = 0.3  # up to +30 % for news published today, halving every 90 days
TITLE_BONUS = 2.0


def rank_score(position: int) -> float:
    """Engines score on different scales (SQLite's bm25 is negative, lower is better): merge by rank."""
    return 1 / (position + 1)


def reranked(hit: Hit, pattern: re.Pattern | None) -> float:
    """Title matches above body matches; recent news mildly boosted."""
    score = hit.score
    if pattern is not None and pattern.search(hit.title):
        score *= TITLE_BONUS
    if hit.kind.key == "news" and hit.date is not None:
        age_days = max(0.0, (timezone.now() - hit.date).total_seconds() / 86400)
        score *= 1 + RECENT_NEWS_BOOST * math.pow(0.5, age_days / 90)
    return score


def page_hits(results: Iterable[Page], terms: list[str]) -> list[Hit]:
    """Hits of specific pages, in the order given."""
    pages = list(results)
    positions = {page.pk: position for position, page in enumerate(pages)}
    hits = []
    for page in pages:
        kind = kind_of_page(page)
        if kind is None:
            continue
        summary = getattr(page, "excerpt", "") or page.search_description or getattr(page, "description", "")
        date = page.first_published_at
        hits.append(
            Hit(
                kind=kind,
                title=page.title,
                url=page.get_url(),
                date=date,
                score=rank_score(positions[page.pk]),
                passage=passage(str(summary), terms)[0] if summary else "",
                obj=page,
            )
        )
    return hits


def document_hits(results: Iterable[Document], terms: list[str]) -> list[Hit]:
    documents = list(results)
    rows = Document.objects.filter(pk__in=[doc.pk for doc in documents]).annotate(version_count=Count("versions"))
    texts = {pk: (text, versions) for pk, text, versions in rows.values_list("pk", "extracted_text", "version_count")}
    kind = kind_by_key("document")
    hits = []
    for position, document in enumerate(documents):
        text, versions = texts.get(document.pk, ("", 0))
        text = text or ""
        excerpt, page_number = passage(text, terms)
        hits.append(
            Hit(
                kind=kind,
                title=document.title,
                url=document.url,
                date=document.created_at,
                score=rank_score(position),
                passage=excerpt,
                page_number=page_number if document.page_count and document.file_type == "pdf" else None,
                details=[document.file_type.upper()] if document.file_type else [],
                versions_url=reverse("search:document_versions", args=[document.pk]) if versions > 1 else "",
                obj=document,
            )
        )
    return hits


def profile_hits(results, terms: list[str]) -> list[Hit]:
    kind = kind_by_key("person")
    profiles = list(results)
    return [
        Hit(
            kind=kind,
            title=profile.full_name,
            url=profile.get_absolute_url(),
            date=None,
            score=rank_score(position),
            details=[value for value in (profile.job_title, getattr(profile.site, "name", "")) if value],
            obj=profile,
        )
        for position, profile in enumerate(profiles)
    ]


class MergedResults:
    """Sliceable results of every source, merged by score (or by date), for Django's Paginator.

    A slice ``[a:b]`` asks each source for its best ``b`` results and merges them: exact
    for every page, at a cost bounded by ``MAX_PAGE``.
    """

    def __init__(self, sources: list[Source], query: str, order_by_relevance: bool):
        self.sources = sources
        self.query = query
        self.order_by_relevance = order_by_relevance
        self.terms = search_words(query).split()
        self.results = {source: source.search(query, order_by_relevance=order_by_relevance) for source in sources}

    @cached_property
    def counts(self) -> dict[Source, int]:
        return {
            source: results.count() if source.total is None else source.total
            for source, results in self.results.items()
        }

    def count(self) -> int:
        return sum(self.counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Hit]:
        stop = item.stop
        hits: list[Hit] = []
        for source, results in self.results.items():
            if self.counts[source]:
                hits += source.hits_up_to(results, stop, self.terms)
        if self.order_by_relevance:
            pattern = term_pattern(self.terms)
            hits.sort(key=lambda hit: -reranked(hit, pattern))
        else:
            oldest = timezone.make_aware(datetime(1970, 1, 1))
            hits.sort(key=lambda hit: hit.date or oldest, reverse=True)
        return hits[item]


def recent_content(user, limit: int = RESULTS_PER_PAGE) -> list[Hit]:
    """For an empty query: the latest pages and documents the user may see."""
    kinds = [kind for kind in available_kinds() if kind.is_page]
    pages = list(
        PortalPageQuerySet(Page)
        .visible_to(user)
        .type(*[kind.model for kind in kinds])
        .order_by("-first_published_at")
        .values_list("pk", flat=True)[:limit]
    )
    hits = page_hits(Page.objects.filter(pk__in=pages).specific(), [])
    hits += document_hits(Document.objects.visible_to(user).order_by("-created_at")[:limit], [])
    hits.sort(key=lambda hit: hit.date or timezone.now(), reverse=True)
    return hits[:limit]


def suggestions(user, query: str, limit: int = 8) -> list[dict]:
    """Titles that complete the typed words, from what the user may see (the same filters as results)."""
    items = []
    filters = Filters()
    for source in sources_for(user, filters):
        for hit in source.hits(source.queryset().autocomplete(query)[:limit], []):
            items.append({"title": hit.title, "url": hit.url, "kind": str(hit.kind.label)})
    return items[:limit]


# Facets --------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


FACETS = ("kind", "group", "year", "file_type", "site")


def facets(
    user,
    filters: Filters,
    query: str,
    sources: list[Source] | None = None,
    first: int = 0,
    order_by_relevance: bool = True,
) -> dict[str, list[FacetValue]]:
    """Counts per value, each computed with every other filter applied (drill-down facets).

    Per source, one request counts every facet whose filter is not set (they share the
    query of the results: it gives their number and the ``first`` of them, which the source
    turns into hits as soon as they come, while other engine requests are out), and one
    more each facet whose filter is set (its query leaves that filter out, so the other
    values of the facet still show). The requests of every source go out together
    (``FacetBatch``).
    """
    groups = listed_groups(user)
    terms = search_words(query).split()
    planned: list[tuple[Source, str, list[str]]] = []
    batch = FacetBatch()
    for source in sources if sources is not None else sources_for(user, filters):
        by_ignored: dict[str, list[str]] = {"": [name for name in source.facet_names if not filters.is_set(name)]}
        for name in source.facet_names:
            if filters.is_set(name):
                by_ignored.setdefault("" if source.keeps_results(name) else name, []).append(name)
        for ignore, names in by_ignored.items():
            if not names or not source.applies(ignore=ignore):
                continue
            specs = {name: spec for name in names if (spec := source.facet_spec(name, groups)) is not None}
            if ignore:
                request = FacetRequest(source.search(query, ignore=ignore, order_by_relevance=False), specs)
            else:
                results = source.search(query, order_by_relevance=order_by_relevance)
                request = FacetRequest(results, specs, first, partial(source.counted, terms=terms))
            planned.append((source, ignore, names))
            batch.add(request)
    tally: dict[str, dict] = {name: defaultdict(int) for name in FACETS}
    for (source, _ignore, names), found in zip(planned, batch.counts(), strict=True):
        for name in names:
            counts = source.facet_values(name, found.total, found.counts.get(name, {}), groups)
            for value, count in counts.items():
                tally[name][value] += count
    values = {
        "kind": [
            FacetValue(kind.key, kind.label, tally["kind"][kind.key], filters.kind == kind)
            for kind in available_kinds()
            if tally["kind"].get(kind.key)
        ],
        "group": [
            FacetValue(str(group.pk), group.title, tally["group"][group.pk], filters.group == group)
            for group in groups
            if tally["group"].get(group.pk)
        ],
        "year": [
            FacetValue(str(year), str(year), count, filters.year == year)
            for year, count in sorted(tally["year"].items(), reverse=True)
        ],
        "file_type": [
            FacetValue(value, value.upper(), count, filters.file_type == value)
            for value, count in sorted(tally["file_type"].items(), key=lambda item: (-item[1], item[0]))
        ],
        "site": site_values(tally["site"], filters),
    }
    return {name: facet_values for name, facet_values in values.items() if facet_values}


def listed_groups(user) -> list[Page]:
    """The groups the user may see, for the group facet and filter."""
    kind = kind_by_key("group")
    if kind is None:
        return []
    return cached_for_audience(
        "search-groups", user, lambda: list(PortalPageQuerySet(kind.model).visible_to(user).order_by("title"))
    )


def site_values(counts: dict[int, int], filters: Filters) -> list[FacetValue]:
    Site = apps.get_model("people", "Site")
    names = dict(Site.objects.filter(pk__in=list(counts)).values_list("pk", "name")) if counts else {}
    return [
        FacetValue(str(pk), names[pk], count, filters.site_id == pk)
        for pk, count in sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))
        if pk in names
    ]


# Passages ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lowercase without accents."""
    return "".join(unicodedata.normalize("NFD", char)[0] for char in text.lower())


def accent_variants() -> dict[str, str]:
    """For each unaccented letter, the letters that fold to it ("e": "eéèêë…")."""
    variants: dict[str, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = fold(char)
        if base.isascii() and base.isalpha() and char.islower():
            variants[base] = variants.get(base, base) + char
    return variants


ACCENT_VARIANTS = accent_variants()


def accent_insensitive(stem: str) -> str:
    return "".join(f"[{ACCENT_VARIANTS[char]}]" if char in ACCENT_VARIANTS else re.escape(char) for char in stem)


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """Words starting like a query term, whatever their case and accents, so "reunion" also marks
    "Réunions" (a light stemming). It runs on the text itself: folding a whole document first
    cost more than the rest of the search."""
    stems = []
    for term in terms:
        folded = fold(term)
        if len(folded) < 2:
            continue
        stems.append(folded[: max(4, len(folded) - 2)] if len(folded) > 4 else folded)
    if not stems:
        return None
    alternatives = "|".join(accent_insensitive(stem) for stem in sorted(set(stems), key=len, reverse=True))
    return re.compile(r"\b(?:" + alternatives + r")\w*", re.IGNORECASE)


def passage(text: str, terms: list[str]) -> tuple[SafeString, int | None]:
    """The stretch of text around the first match, terms in <mark>, and the page it is on."""
    if not text:
        return mark_safe(""), None
    pattern = term_pattern(terms)
    match = pattern.search(text) if pattern else None
    centre = match.start() if match else 0
    page_number = text.count("\f", 0, centre) + 1
    page_start = text.rfind("\f", 0, centre) + 1
    page_end = text.find("\f", centre)
    page_end = len(text) if page_end == -1 else page_end
    start = max(page_start, centre - PASSAGE_RADIUS)
    end = min(page_end, centre + PASSAGE_RADIUS)
    if start > page_start:
        start = text.find(" ", start, centre) + 1 or start
    if end < page_end:
        end = text.rfind(" ", centre, end) if text.rfind(" ", centre, end) > centre else end
    pieces, position = [], start
    if pattern:
        for found in pattern.finditer(text, start, end):
            pieces.append(escape(text[position : found.start()]))
            pieces.append(f"<mark>{escape(text[found.start() : found.end()])}</mark>")
            position = found.end()
    pieces.append(escape(text[position:end]))
    excerpt = " ".join("".join(pieces).split())
    prefix = "… " if start > page_start else ""
    suffix = " …" if end < page_end else ""
    return mark_safe(f"{prefix}{excerpt}{suffix}"), page_number
