"""Markdown to safe HTML: the one function every piece of authored text goes through.

Python-Markdown's output is not safe on its own (it passes raw HTML through and keeps any link
scheme), so raw HTML is switched off at the parser and the result is cleaned with nh3 against an
allow-list: no scripts, no event handlers, no inline styles, no `javascript:`/`data:` URLs, and
images only from the platform's own uploads.
"""

from __future__ import annotations

import functools
import threading

import markdown as markdown_lib
import nh3
from markupsafe import Markup

UPLOADS_PREFIX = "/uploads/"

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "code",
    "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "hr", "br",
    "del", "sup", "sub", "dl", "dt", "dd", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(UPLOADS_PREFIX) and "//" not in value else None
    if tag == "code" and attribute == "class":
        return value if value.startswith("language-") and value[9:].isalnum() else None
    return value


EXTENSIONS = ("tables", "fenced_code", "sane_lists", "def_list")
# Texts up to this length (question stems, choices, feedback) keep their rendering in a small
# per-process cache: an exam rush freezes the same questions hundreds of times.
CACHED_TEXT_MAX_LENGTH = 4_000
_parsers = threading.local()


def _new_parser() -> markdown_lib.Markdown:
    parser = markdown_lib.Markdown(extensions=list(EXTENSIONS), output_format="html")
    # Raw HTML is not Markdown here: with these removed it shows as text, escaped.
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    return parser


def _parser() -> markdown_lib.Markdown:
    """This thread's parser, reset for a new text. Building one loads its extensions (about a
    millisecond); a parser is not thread-safe, so each thread keeps its own."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = _new_parser()
    return parser.reset()


def sanitise_html(html: str) -> str:
    """Clean an HTML fragment against the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML (a plain string, stored once per revision)."""
    if not text:
        return ""
    if len(text) <= CACHED_TEXT_MAX_LENGTH:
        return _render_cached(text)
    return _render(text)


def _render(text: str) -> str:
    return sanitise_html(_parser().convert(text))


@functools.lru_cache(maxsize=4_096)
def _render_cached(text: str) -> str:
    return _render(text)


def render_markdown_markup(text: str) -> Markup:
    """The same, marked safe for templates (the output has been sanitised)."""
    return Markup(render_markdown(text))  # noqa: S704 (sanitised by nh3 above)
