"""The small Markdown subset members write comments in (``portal.markdown.COMMENTS``), rendered to sanitized HTML."""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

from portal.markdown import COMMENTS


def render_markdown(text: str) -> SafeString:
    return mark_safe(sanitized_html(text))


@lru_cache(maxsize=4096)
def sanitized_html(text: str) -> str:
    """The HTML depends on the text alone, so the threads rendered for each reader share it."""
    return COMMENTS.to_html(text)
