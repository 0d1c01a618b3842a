"""Thin subclasses of Wagtail's Elasticsearch and OpenSearch backends that analyse text in French.

The index settings define a ``french_portal`` analyzer (see ``search.engines``);
the mapping names it on every text field instead of relying on the index's
``default`` analyzer, which osmem-server (the CI engine) ignores. Titles also get
an ``exact`` keyword subfield, for exact-title lookups and sorting. Results count
every facet in one request (``search.backends.facets``).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from search.backends.facets import EngineFacetCountsMixin

FRENCH_ANALYZER = "french_portal"

_raise_indexing_errors: ContextVar[bool] = ContextVar("raise_indexing_errors", default=False)


@contextmanager
def raising_indexing_errors():
    """In the worker, an unreachable engine must fail the task (to be retried), not be logged and forgotten.

    In a request Wagtail's behaviour stays: the error is logged and the save goes through.
    """
    token = _raise_indexing_errors.set(True)
    try:
        yield
    finally:
        _raise_indexing_errors.reset(token)


def apply_french_analysis(properties: dict) -> None:
    for name, field in properties.items():
        if field.get("type") == "nested":
            apply_french_analysis(field["properties"])
        elif field.get("type") == "text" and "analyzer" not in field:
            field["analyzer"] = FRENCH_ANALYZER
            if name == "title" or name.endswith("__title"):
                field["fields"] = {"exact": {"type": "keyword", "ignore_above": 256}}


class RetryableIndexingMixin:
    @property
    def catch_indexing_errors(self) -> bool:
        return not _raise_indexing_errors.get()


class FrenchMappingMixin:
    def get_mapping(self):
        mapping = super().get_mapping()
        apply_french_analysis(mapping["properties"])
        return mapping


def french_backend(module):
    """The module's SearchBackend with the French mapping wired into every class that builds one."""
    base = module.SearchBackend
    mapping = type(f"French{base.mapping_class.__name__}", (FrenchMappingMixin, base.mapping_class), {})
    compiler = type("FrenchQueryCompiler", (base.query_compiler_class,), {"mapping_class": mapping})
    autocomplete = type(
        "FrenchAutocompleteCompiler", (base.autocomplete_query_compiler_class,), {"mapping_class": mapping}
    )
    results = type(f"Faceting{base.results_class.__name__}", (EngineFacetCountsMixin, base.results_class), {})
    return type(
        f"French{base.__name__}",
        (RetryableIndexingMixin, base),
        {
            "mapping_class": mapping,
            "query_compiler_class": compiler,
            "autocomplete_query_compiler_class": autocomplete,
            "results_class": results,
        },
    )
