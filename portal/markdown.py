"""The small Markdown subsets members write in (comments, group posts), and back.

markdown-it's "zero" preset escapes raw HTML; only the rules a subset names are switched on.
nh3 then keeps an allowlist of tags, so even a parser bug cannot let markup through. A post
written earlier, or edited in Wagtail's admin, is HTML: ``html_to_markdown`` gives it back as
Markdown for the member's form, and rendering that Markdown gives the same HTML again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class MarkdownSubset:
    rules: tuple[str, ...]
    tags: frozenset[str]
    # "#" gives this heading level, and no heading goes below the last: the page's own title and
    # sections sit above a post's headings.
    first_heading: int = 1
    last_heading: int = 6
    link_rel: str = "nofollow noopener"

    def to_html(self, text: str) -> str:
        if self not in _parsers:
            _parsers[self] = self.parser()
        return nh3.clean(
            _parsers[self].render(text or ""),
            tags=set(self.tags),
            attributes={"a": {"href"}, "ol": {"start"}},
            url_schemes=URL_SCHEMES,
            link_rel=self.link_rel,
        ).strip()

    def parser(self) -> MarkdownIt:
        parser = MarkdownIt("zero", {"breaks": True}).enable(list(self.rules))

        def heading(renderer, tokens, index, options, env):
            token = tokens[index]
            level = min(int(token.tag[1]) + self.first_heading - 1, self.last_heading)
            return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"

        parser.add_render_rule("heading_open", heading)
        parser.add_render_rule("heading_close", heading)
        return parser


_parsers: dict[MarkdownSubset, MarkdownIt] = {}

COMMENTS = MarkdownSubset(
    rules=("emphasis", "link", "backticks", "list", "blockquote", "newline", "escape"),
    tags=frozenset({"p", "br", "strong", "em", "a", "code", "ul", "ol", "li", "blockquote"}),
)
POSTS = MarkdownSubset(
    rules=COMMENTS.rules + ("heading", "fence"),
    tags=COMMENTS.tags | {"h3", "h4", "pre"},
    first_heading=3,
    last_heading=4,
)


class _MarkdownWriter(HTMLParser):
    """HTML of the posts' subset written as Markdown; other tags keep their text."""

    HEADINGS = {"h1": "#", "h2": "#", "h3": "#", "h4": "##", "h5": "##", "h6": "##"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (Markdown, is a list item): items join by one line
        self.line = ""
        self.content_start = 0  # where the block's text starts, after its quote, heading or list marker
        self.item = False
        self.lists: list[list] = []  # for each open list: [ordered, next number]
        self.quote = 0
        self.pre = False
        self.link: str | None = None

    def start_block(self, text: str = "", item: bool = False) -> None:
        self.end_block()
        self.line, self.item = "> " * self.quote + text, item
        self.content_start = len(self.line)

    def end_block(self) -> None:
        if self.line.strip(" >"):
            self.blocks.append((self.line.rstrip(), self.item))
        self.line, self.item = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p":
            self.start_block()
        elif tag in self.HEADINGS:
            self.start_block(self.HEADINGS[tag] + " ")
        elif tag == "li":
            ordered, number = self.lists[-1] if self.lists else (False, 1)
            if self.lists:
                self.lists[-1][1] += 1
            self.start_block("   " * max(0, len(self.lists) - 1) + (f"{number}. " if ordered else "- "), item=True)
        elif tag in {"ul", "ol"}:
            self.end_block()
            self.lists.append([tag == "ol", int(attrs.get("start") or 1)])
        elif tag == "blockquote":
            self.end_block()
            self.quote += 1
        elif tag == "pre":
            self.start_block("```\n")
            self.pre = True
        elif tag == "br":
            self.line += "\n" + "> " * self.quote
        elif tag in {"strong", "b"}:
            self.inline("**")
        elif tag in {"em", "i"}:
            self.inline("*")
        elif tag == "code" and not self.pre:
            self.inline("`")
        elif tag == "a":
            self.link = attrs.get("href") or ""
            if self.link:
                self.inline("[")

    def handle_endtag(self, tag):
        if tag in {"p", "li", *self.HEADINGS}:
            self.end_block()
        elif tag in {"ul", "ol"}:
            self.end_block()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.end_block()
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.line = self.line.rstrip("\n") + "\n```"
            self.pre = False
            self.end_block()
        elif tag in {"strong", "b"}:
            self.line += "**"
        elif tag in {"em", "i"}:
            self.line += "*"
        elif tag == "code" and not self.pre:
            self.line += "`"
        elif tag == "a":
            if self.link:
                self.line += f"]({self.link})"
            self.link = None

    def inline(self, marker: str) -> None:
        if not self.line:
            self.line = "> " * self.quote
            self.content_start = len(self.line)
        self.line += marker

    def handle_data(self, data):
        if self.pre:
            self.line += data
            return
        text = re.sub(r"\s+", " ", data)
        at_start = not self.line[self.content_start :].strip() or self.line.endswith("\n" + "> " * self.quote)
        if at_start:
            text = text.lstrip()
        if text:
            self.inline(escape_markdown(text, at_line_start=at_start))

    def markdown(self) -> str:
        self.end_block()
        out = ""
        previous_item = False
        for text, item in self.blocks:
            if out:
                out += "\n" if item and previous_item else "\n\n"
            out += text
            previous_item = item
        return out


def escape_markdown(text: str, at_line_start: bool = False) -> str:
    """Text that Markdown reads back as the same text."""
    text = re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
    if at_line_start:
        text = re.sub(r"^(#{1,6}|[-+])( )", r"\\\1\2", text)
        text = re.sub(r"^(\d+)([.)] )", r"\1\\\2", text)
    return text


def html_to_markdown(html: str) -> str:
    writer = _MarkdownWriter()
    writer.feed(html or "")
    writer.close()
    return writer.markdown()
