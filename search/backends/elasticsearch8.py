"""Wagtail's `elasticsearch8` backend with French analysis (see `search.backends`)."""

from modelsearch.backends import elasticsearch8

from search.backends import french_backend

SearchBackend = french_backend(elasticsearch8)
