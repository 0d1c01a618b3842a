"""Wagtail's database backend, with two fixes to its PostgreSQL search; SQLite's is Wagtail's own.

- The ranked query no longer carries every match's vector to the sort. modelsearch's compiler
  filters on an annotation, ``_vector_ = title || body``, and ``annotate()`` also puts it in the
  SELECT: every matching row then had its two vectors concatenated and carried through the sort,
  though nothing reads them. With 2,000 documents of twenty pages that was 40 of a search's 55 ms.
  The annotation is kept for the WHERE clause and left out of the SELECT, as ``QuerySet.alias()``
  would; the SQL is otherwise Wagtail's own.
- A text too large for a ``tsvector`` (1 MB of distinct words and positions: a spreadsheet of
  a hundred thousand identifiers) no longer fails the whole batch, and with it ``update_index``
  or the worker's index update, again and again. The batch is indexed item by item, and the item
  that does not fit is indexed with its long texts cut in half until it does (its beginning stays
  searchable; a warning says so).
"""

from __future__ import annotations

import copy
import logging

from django.db import DatabaseError, connection, transaction
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.index import SearchField

logger = logging.getLogger(__name__)

MATCHED_VECTOR = "_vector_"
# Texts shorter than this are never cut: the limit is a megabyte of index, not of text.
SHORTEST_CUT = 10_000


class MatchedVectorNotSelected:
    def search(self, *args, **kwargs):
        queryset = super().search(*args, **kwargs)
        selected = set(queryset.query.annotation_select)
        if MATCHED_VECTOR in selected:
            queryset = queryset._chain()
            queryset.query.set_annotation_mask(selected - {MATCHED_VECTOR})
        return queryset


class PortalPostgresSearchQueryCompiler(MatchedVectorNotSelected, PostgresSearchQueryCompiler):
    pass


class PortalPostgresAutocompleteQueryCompiler(MatchedVectorNotSelected, PostgresAutocompleteQueryCompiler):
    pass


def is_vector_too_long(error: Exception) -> bool:
    return "too long for tsvector" in str(error)


def long_texts(obj) -> dict[str, str]:
    """The object's indexed text attributes that could be cut (plain strings of some length)."""
    texts = {}
    for field in obj.get_search_fields():
        if isinstance(field, SearchField):
            value = getattr(obj, field.field_name, None)
            if isinstance(value, str) and len(value) > SHORTEST_CUT:
                texts[field.field_name] = value
    return texts


def with_texts_cut(obj, length: int):
    """A copy of the object, never saved, whose long indexed texts keep their first ``length`` characters."""
    shortened = copy.copy(obj)
    for name, text in long_texts(obj).items():
        setattr(shortened, name, text[:length])
    return shortened


class BoundedPostgresIndex(PostgresIndex):
    def add_items(self, model, objs):
        objs = list(objs)
        try:
            with transaction.atomic(using=self.write_connection.alias):
                super().add_items(model, objs)
        except DatabaseError as error:
            if not is_vector_too_long(error):
                raise
            for obj in objs:
                self.add_item_cut_to_fit(model, obj)

    def add_item_cut_to_fit(self, model, obj) -> None:
        length = None
        while True:
            try:
                with transaction.atomic(using=self.write_connection.alias):
                    super().add_items(model, [obj if length is None else with_texts_cut(obj, length)])
            except DatabaseError as error:
                current = length or max(map(len, long_texts(obj).values()), default=0)
                if not is_vector_too_long(error) or current <= SHORTEST_CUT:
                    raise
                length = current // 2
                continue
            if length is not None:
                logger.warning(
                    "%s %s: its text is too large for PostgreSQL's index; its first %d characters are searchable",
                    model._meta.label,
                    obj.pk,
                    length,
                )
            return


class PortalPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = PortalPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PortalPostgresAutocompleteQueryCompiler
    index_class = BoundedPostgresIndex


def SearchBackend(params):  # noqa: N802 (Wagtail imports a backend module's ``SearchBackend``)
    if connection.vendor == "postgresql":
        return PortalPostgresSearchBackend(params)
    return database_search_backend(params)
