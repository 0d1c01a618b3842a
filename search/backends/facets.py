"""Facet counts: every facet of one search in one engine request.

Wagtail's ``results.facet(field)`` sends one request per field, and on Elasticsearch
and OpenSearch returns only the ten most frequent values, so the portal used to count
the other values one filtered query each (a group facet of twenty groups was twenty
requests). ``facet_counts(results, specs)`` asks the engine once, with one
aggregation per facet and the first results' keys. On the database backends one ranked
query brings every match's keys and the facets are counted from them (past
``DATABASE_RANKED_ROWS`` matches, one ``GROUP BY`` of every faceted key): a query per facet,
or a count beside the ranked query, would evaluate the full-text match again each time.

A search page asks several indexes (pages, documents, people, and again without a chosen
filter for drill-down): a ``FacetBatch`` sends the engines' requests together, each on a
thread of its own, so the page waits for the slowest rather than for the sum.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, Value, When
from django.db.models.functions import ExtractYear, Substr
from django.db.models.lookups import In
from django.utils import timezone
from modelsearch.backends.base import FilterFieldError

# Larger than any facet here (groups, collections, sites, content types): every value is counted.
ENGINE_TERMS_SIZE = 10_000


@dataclass(frozen=True)
class Terms:
    """Results per value of a filter field (``values``: the only values to count, when known)."""

    field: str
    values: tuple = ()


@dataclass(frozen=True)
class Prefixes:
    """Results whose filter field starts with each prefix (pages under a group's page)."""

    field: str
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class Years:
    """Results per calendar year of a date filter field, in the current time zone.

    ``first_year``: tells the earliest year a result can have. The engines then count each year
    from it to this one with a range filter, cheaper than a date histogram (osmem: 3 instead of
    8 ms); the database backends group by year and never call it.
    """

    field: str
    first_year: Callable[[], int | None] | None = None

    def years(self) -> range | None:
        first = self.first_year() if self.first_year else None
        return range(first, timezone.localdate().year + 1) if first else None


FacetSpec = Terms | Prefixes | Years


@dataclass
class FacetCounts:
    """The number of results, the counts per value of each named spec, and the first results' keys if asked."""

    total: int
    counts: dict[str, dict]
    first: list | None = None


@dataclass
class FacetRequest:
    """Search results to count per value of each spec, and how many of the first results to bring.

    ``counted``, if given, receives the counts as soon as they are read: the caller may load its
    first results meanwhile, while slower engine requests of the batch are still out.
    """

    results: object
    specs: dict[str, FacetSpec]
    first: int = 0
    counted: Callable[[FacetCounts], None] | None = None


# Engine requests wait on the network: a few threads send a page's requests at once.
ENGINE_REQUESTS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-facets")


class FacetBatch:
    """Facet requests of one search page. An engine request leaves on a thread as soon as it is
    added, while the next source is prepared; ``counts()`` reads the answers as they come and runs
    the database ones in turn."""

    def __init__(self):
        self.requests: list[FacetRequest] = []
        self.sent: dict[Future, int] = {}

    def add(self, request: FacetRequest) -> None:
        if is_engine_results(request.results):
            body, params = request.results.facet_request(request.specs, request.first)
            self.sent[ENGINE_REQUESTS.submit(request.results.send, body, params)] = len(self.requests)
        self.requests.append(request)

    def counts(self) -> list[FacetCounts]:
        found: dict[int, FacetCounts] = {}
        for answered in as_completed(self.sent):
            request = self.requests[self.sent[answered]]
            found[self.sent[answered]] = self.read(
                request, request.results.read_facet_response(answered.result(), request.specs, request.first)
            )
        for position, request in enumerate(self.requests):
            if position not in found:
                found[position] = self.read(request, facet_counts(request.results, request.specs, request.first))
        return [found[position] for position in range(len(self.requests))]

    @staticmethod
    def read(request: FacetRequest, counts: FacetCounts) -> FacetCounts:
        if request.counted is not None:
            request.counted(counts)
        return counts


def lucene_literal(text: str) -> str:
    """The text as a Lucene regular expression matching it literally."""
    return re.sub(r"([^0-9A-Za-z])", r"\\\1", text)


def is_engine_results(results) -> bool:
    return isinstance(results, EngineFacetCountsMixin)


# On the database backends the ranked matches come with their facet keys in one query, up to
# this many; beyond, a ``GROUP BY`` counts them (one more evaluation of the full-text match).
DATABASE_RANKED_ROWS = 5_000


def facet_counts(results, specs: dict[str, FacetSpec], first: int = 0) -> FacetCounts:
    """Count the results per value of each spec (zero counts left out).

    ``first``: also the primary keys of that many first results (in the results' order), so
    that a search page asks each index once. The engines return them with the aggregations; the
    database backends read every match's keys in rank order and count them here, unless there
    are more than ``DATABASE_RANKED_ROWS`` (then a ``GROUP BY`` counts and the rows give the first).
    """
    if is_engine_results(results):
        return results.read_facet_response(results.send(*results.facet_request(specs, first)), specs, first)
    for spec in specs.values():
        filterable_field(results.query_compiler, spec.field)
    keys = grouping_keys(specs)
    first_pks = None
    if first:
        rows = list(results.get_queryset().values("pk", **keys)[: DATABASE_RANKED_ROWS + 1])
        first_pks = [row["pk"] for row in rows[:first]]
        if len(rows) <= DATABASE_RANKED_ROWS:
            counts = {name: counts_from_rows(name, spec, rows) for name, spec in specs.items()}
            return FacetCounts(len(rows), counts, first_pks)
    if not keys:
        return FacetCounts(results.count(), {}, first_pks)
    rows = list(results.get_queryset().order_by().values(**keys).annotate(_count=Count("pk")))
    counts = {name: counts_from_rows(name, spec, rows) for name, spec in specs.items()}
    return FacetCounts(sum(row["_count"] for row in rows), counts, first_pks)


def filterable_field(query_compiler, field_name: str):
    """The index's filter field of that name: facets count only what the engine can filter on."""
    field = query_compiler._get_filterable_field(field_name)
    if field is None:
        model = query_compiler.queryset.model.__name__
        raise FilterFieldError(f'Add index.FilterField("{field_name}") to {model} to facet on it.', field_name)
    return field


def grouping_keys(specs: dict[str, FacetSpec]) -> dict:
    """One SQL expression per facet bucket key: a field, its year, or its first characters."""
    keys: dict = {}
    for name, spec in specs.items():
        if isinstance(spec, Terms):
            keys[f"_{name}"] = F(spec.field)
        elif isinstance(spec, Years):
            keys[f"_{name}"] = ExtractYear(spec.field, tzinfo=timezone.get_current_timezone())
        else:
            # Only the prefixes asked for are keys: a page outside every group groups with the others
            # under NULL, instead of each page at a group's depth being a group of its own.
            for length, prefixes in prefixes_by_length(spec.prefixes).items():
                start = Substr(spec.field, 1, length)
                keys[f"_{name}_{length}"] = Case(When(In(start, prefixes), then=start), default=Value(None))
    return keys


def prefixes_by_length(prefixes: tuple[str, ...]) -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = defaultdict(list)
    for prefix in sorted(set(prefixes)):
        by_length[len(prefix)].append(prefix)
    return dict(by_length)


def counts_from_rows(name: str, spec: FacetSpec, rows: list[dict]) -> dict:
    """Sum the rows (one per result, or per combination of keys with its ``_count``) into the spec's buckets."""
    counts: dict = defaultdict(int)
    if isinstance(spec, Prefixes):
        lengths = prefixes_by_length(spec.prefixes)
        for row in rows:
            for length in lengths:
                if row[f"_{name}_{length}"] is not None:
                    counts[row[f"_{name}_{length}"]] += row.get("_count", 1)
    else:
        for row in rows:
            if row[f"_{name}"] is not None:
                counts[row[f"_{name}"]] += row.get("_count", 1)
    return dict(counts)


class EngineFacetCountsMixin:
    """For Elasticsearch/OpenSearch results: the total, every facet and the first results' keys in one request."""

    def facet_request(self, specs: dict[str, FacetSpec], first: int = 0) -> tuple[dict, dict]:
        """The body and parameters of the request (built in the request's thread: time zone, settings)."""
        aggregations = {name: aggregation for name, spec in specs.items() if (aggregation := self.aggregation(spec))}
        body = self._get_es_body(for_count=not first)
        body["track_total_hits"] = True
        if aggregations:
            body["aggregations"] = aggregations
        params = {"index": self.backend.get_index_for_model(self.query_compiler.queryset.model).name, "size": first}
        if first:
            params |= {"_source": False, self.fields_param_name: "pk"}
        return body, params

    def send(self, body: dict, params: dict) -> dict:
        """The engine's answer: network only, so that it may run on a thread of ``ENGINE_REQUESTS``."""
        return self._backend_do_search(body, **params)

    def read_facet_response(self, response: dict, specs: dict[str, FacetSpec], first: int = 0) -> FacetCounts:
        total = response["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else total
        found = response.get("aggregations", {})
        counts = {}
        for name, spec in specs.items():
            aggregation = found.get(name)
            if isinstance(spec, Prefixes) and aggregation and aggregation.get("sum_other_doc_count"):
                # More values under the prefixes than the terms aggregation returns: count each prefix.
                body = self._get_es_body(for_count=True) | {"aggregations": {name: self.prefix_filters(spec)}}
                params = {"index": self.backend.get_index_for_model(self.query_compiler.queryset.model).name, "size": 0}
                aggregation = self.send(body, params)["aggregations"][name]
            counts[name] = self.counts_from_aggregation(spec, aggregation)
        return FacetCounts(
            total, counts, [hit["fields"]["pk"][0] for hit in response["hits"]["hits"]] if first else None
        )

    def column(self, field_name: str) -> str:
        return self.query_compiler.mapping.get_field_column_name(filterable_field(self.query_compiler, field_name))

    def aggregation(self, spec: FacetSpec) -> dict | None:
        column = self.column(spec.field)
        if isinstance(spec, Terms) and spec.values:
            # A count per known value is cheaper than collecting every value (osmem: 5 of 10 ms).
            return {"filters": {"filters": {str(value): {"term": {column: value}} for value in spec.values}}}
        if isinstance(spec, Terms):
            return {"terms": {"field": column, "size": ENGINE_TERMS_SIZE}}
        if isinstance(spec, Years) and (years := spec.years()):
            return {"filters": {"filters": {str(year): self.year_range(column, year) for year in years}}}
        if isinstance(spec, Years):
            return {
                "date_histogram": {
                    "field": column,
                    "calendar_interval": "year",
                    "time_zone": timezone.get_current_timezone_name(),
                    "min_doc_count": 1,
                }
            }
        if not spec.prefixes:
            return None
        # Every value under the prefixes, summed per prefix here: the engine works in proportion to
        # the results, where a prefix filter works in proportion to the pages under it (on osmem a
        # group of 500 posts cost 20 ms a search).
        pattern = "|".join(lucene_literal(prefix) for prefix in spec.prefixes)
        return {"terms": {"field": column, "size": ENGINE_TERMS_SIZE, "include": f"({pattern}).*"}}

    def prefix_filters(self, spec: Prefixes) -> dict:
        column = self.column(spec.field)
        return {"filters": {"filters": {prefix: {"prefix": {column: prefix}} for prefix in spec.prefixes}}}

    @staticmethod
    def year_range(column: str, year: int) -> dict:
        start, end = (timezone.make_aware(datetime(year + offset, 1, 1)).isoformat() for offset in (0, 1))
        return {"range": {column: {"gte": start, "lt": end}}}

    @staticmethod
    def counts_from_aggregation(spec: FacetSpec, aggregation: dict | None) -> dict:
        if not aggregation:
            return {}
        buckets = aggregation["buckets"]
        if isinstance(spec, Terms) and spec.values:
            counts = {value: buckets[str(value)]["doc_count"] for value in spec.values}
            return {value: count for value, count in counts.items() if count}
        if isinstance(spec, Prefixes) and isinstance(buckets, dict):
            return {prefix: bucket["doc_count"] for prefix, bucket in buckets.items() if bucket["doc_count"]}
        if isinstance(spec, Prefixes):
            counts: dict[str, int] = defaultdict(int)
            for bucket in buckets:
                for prefix in spec.prefixes:
                    if bucket["key"].startswith(prefix):
                        counts[prefix] += bucket["doc_count"]
            return dict(counts)
        if isinstance(spec, Years) and isinstance(buckets, dict):
            return {int(year): bucket["doc_count"] for year, bucket in buckets.items() if bucket["doc_count"]}
        if isinstance(spec, Years):
            return {int(bucket["key_as_string"][:4]): bucket["doc_count"] for bucket in buckets if bucket["doc_count"]}
        return {bucket["key"]: bucket["doc_count"] for bucket in buckets if bucket["doc_count"]}
