"""The small Markdown subset members write comments in, rendered to sanitized HTML.

markdown-it's "zero" preset escapes raw HTML; only the rules below are switched on.
nh3 then keeps an allowlist of tags, so even a parser bug cannot let markup through.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ENABLED_RULES = ["emphasis", "link", "backticks", "list", "blockquote", "newline", "escape"]
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "code", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("zero", {"breaks": True}).enable(ENABLED_RULES)


def render_markdown(text: str) -> SafeString:
    return mark_safe(sanitized_html(text))


@lru_cache(maxsize=4096)
def sanitized_html(text: str) -> str:
    """The HTML depends on the text alone, so the threads rendered for each reader share it."""
    return nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
    )
