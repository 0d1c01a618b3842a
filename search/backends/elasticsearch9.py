"""Wagtail's `elasticsearch9` backend with French analysis (see `search.backends`)."""

from modelsearch.backends import elasticsearch9

from search.backends import french_backend

SearchBackend = french_backend(elasticsearch9)
