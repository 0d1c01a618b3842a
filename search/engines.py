"""``WAGTAILSEARCH_BACKENDS`` from one ``SEARCH_URL``, with the French analysis every engine shares.

Imported by the settings: no Django models here.

- empty or ``database://``: Wagtail's database backend (SQLite FTS5, or PostgreSQL
  full-text search with the ``french_unaccent`` configuration made by our migration);
- ``elasticsearch9+https://user:pass@host:9200``, ``elasticsearch8+…``, ``opensearch3+http://…``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

ENGINE_BACKENDS = {
    "elasticsearch8": "search.backends.elasticsearch8",
    "elasticsearch9": "search.backends.elasticsearch9",
    "opensearch3": "search.backends.opensearch3",
}

# Elision, lowercase, ASCII folding, French stop words, then the Snowball French stemmer.
# ``light_french`` would be Elasticsearch's default but osmem-server (CI) breaks it (every
# query matches every document); Snowball French stems "réunions"/"réunion" and
# "comptes"/"compte" alike on both. osmem ignores ``elision`` (with a warning), so there
# "l'évènement" stays one token; real Elasticsearch and OpenSearch apply it.
FRENCH_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "filter": {
                "french_elision": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
                },
                "french_stop": {"type": "stop", "stopwords": "_french_"},
                "french_stemmer": {"type": "stemmer", "language": "french"},
            },
            "analyzer": {
                "french_portal": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["french_elision", "lowercase", "asciifolding", "french_stop", "french_stemmer"],
                },
            },
        }
    }
}

POSTGRES_SEARCH_CONFIG = "french_unaccent"


def search_backends(search_url: str = "", index_prefix: str = "", timeout: int = 5) -> dict:
    scheme, _, address = search_url.partition("+")
    if not search_url or scheme in {"database", "database://"}:
        return {"default": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": POSTGRES_SEARCH_CONFIG}}
    if scheme not in ENGINE_BACKENDS or not address:
        raise ValueError(
            f"SEARCH_URL must start with one of {', '.join(sorted(ENGINE_BACKENDS))} followed by '+http(s)://', "
            f"got {search_url!r}"
        )
    parts = urlsplit(address)
    return {
        "default": {
            "BACKEND": ENGINE_BACKENDS[scheme],
            "URLS": [urlunsplit(parts)],
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": timeout,
            "ATOMIC_REBUILD": True,
            "INDEX_SETTINGS": FRENCH_INDEX_SETTINGS,
        }
    }
