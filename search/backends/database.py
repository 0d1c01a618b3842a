"""Wagtail's database backend, whose PostgreSQL search no longer carries every match's vector to the sort.

modelsearch's PostgreSQL compiler filters on an annotation, ``_vector_ = title || body``, and
``annotate()`` also puts it in the SELECT: every matching row then has its two vectors
concatenated and carried through the sort, though nothing reads them. With 2,000 documents of
twenty pages that was 40 of a search's 55 ms. The annotation is kept for the WHERE clause and
left out of the SELECT, as ``QuerySet.alias()`` would; the SQL is otherwise Wagtail's own.
SQLite and the fallback backend are Wagtail's, unchanged.
"""

from __future__ import annotations

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

MATCHED_VECTOR = "_vector_"


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


class PortalPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = PortalPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PortalPostgresAutocompleteQueryCompiler


def SearchBackend(params):  # noqa: N802 (Wagtail imports a backend module's ``SearchBackend``)
    if connection.vendor == "postgresql":
        return PortalPostgresSearchBackend(params)
    return database_search_backend(params)
