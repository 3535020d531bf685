"""What the security tests share: the app's routes, signed-in browsers, reading pages as a
browser parses them, filling forms as their pages show them, and a fingerprint of the
database (tests/lms/test_security.py's `snapshot`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from lms.accounts.models import User
from tests.conftest import csrf_token_from
from tests.lms.test_access import ROUTES
from tests.lms.test_security import snapshot as fingerprint

__all__ = [
    "ROUTES",
    "FormField",
    "allowed_roles",
    "browser_as",
    "fingerprint",
    "forms_on",
    "get_routes",
    "live_markup",
    "query_names",
    "sweep_urls",
    "token_of",
]

# Roles in the order their pages are tried when one role's view of a route is enough.
WIDEST_FIRST = ("admin", "hr", "trainer", "officer", "anonymous")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
NEVER_ELEMENTS = frozenset({"script", "iframe", "frame", "object", "embed", "base", "applet"})
# The one script a page may carry: an empty <script> loading a file of the platform's own
# static folder (the attempt page's countdown), which the CSP allows ('self') and no one's
# input can name.
OWN_SCRIPT = re.compile(r"/static/[a-z0-9-]+\.js")


def browser_as(app: Flask, login_as: Callable[..., FlaskClient], user: User | None) -> FlaskClient:
    """A browser of its own, signed in as `user` (None: an anonymous visitor)."""
    browser = app.test_client()
    return login_as(user, on=browser) if user is not None else browser


def get_routes() -> list[tuple[str, str, dict[str, int]]]:
    """(rule, URL template, expected status per role) of every GET route in the access
    tables: tests/lms/test_access.py proves the tables cover every route of the app."""
    return sorted(
        (rule, url, statuses)
        for (method, rule), (url, statuses) in ROUTES.items()
        if method == "GET"
    )


def allowed_roles(statuses: Mapping[str, int]) -> list[str]:
    """The roles a route serves (200), widest first."""
    return [role for role in WIDEST_FIRST if statuses.get(role) == 200]


def sweep_urls(rule: Rule, known: Mapping[str, object], ids: range) -> Iterator[str]:
    """URLs of `rule` with each integer argument swept over `ids` in turn, the other arguments
    taken from `known` (a victim's real ids): /author/courses/<id>/lessons/<victim's lesson>
    and /author/courses/<victim's course>/lessons/<id>."""
    int_args = [name for name, converter in rule._converters.items() if _is_int(converter)]
    base = {name: known.get(name) for name in rule.arguments}
    if not int_args or any(value is None for value in base.values()):
        return
    for name in int_args:
        for value in ids:
            yield rule.build({**base, name: value}, append_unknown=False)[1]


def _is_int(converter: object) -> bool:
    return isinstance(converter, IntegerConverter)


# --- reading pages ---------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, character references decoded, as a browser sees
    them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _own_script(attrs: list[tuple[str, str | None]]) -> bool:
    """A script element that only loads one of the platform's static files, deferred."""
    named = dict(attrs)
    return set(named) == {"src", "defer"} and OWN_SCRIPT.fullmatch(named["src"] or "") is not None


def live_markup(html: str) -> list[str]:
    """What in a page could run script: <script> or other active elements, event-handler
    attributes, javascript:/data:/vbscript: URLs, and a meta refresh to anything but a path of
    this site. Empty for an inert page (which may load the platform's own static scripts).
    """
    parser = _Elements()
    parser.feed(html)
    parser.close()
    found = ["inline script"] * parser.inline_scripts
    for tag, attrs in parser.elements:
        if tag in NEVER_ELEMENTS and not (tag == "script" and _own_script(attrs)):
            found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"<{tag} {name}={value!r}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            target = (dict(attrs).get("content") or "").partition("url=")[2].strip()
            if target and not (target.startswith("/") and not target.startswith("//")):
                found.append(f"<meta refresh to {target!r}>")
    return found


# --- forms as their pages show them ----------------------------------------------------------


@dataclass
class FormField:
    tag: str
    kind: str  # input type, "textarea" or "select"
    name: str
    value: str = ""
    maxlength: int | None = None
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "search", "email", "url", "tel", "textarea")


@dataclass
class PageForm:
    method: str
    action: str | None
    fields: list[FormField] = field(default_factory=list)

    def values(
        self, text: Callable[[FormField, int], str] | None = None, **overrides: str | list[str]
    ) -> dict[str, list[str]]:
        """What submitting the form sends as shown (checked boxes, selected options, the
        save button), with every text field set by `text(field, index)` when given, and
        `overrides` by name."""
        data: dict[str, list[str]] = {}
        texts = 0
        for item in self.fields:
            if item.name in overrides:
                continue
            if item.is_text and text is not None:
                value = text(item, texts)
                texts += 1
                data.setdefault(item.name, []).append(value[: item.maxlength or None])
            elif item.kind in ("checkbox", "radio"):
                if item.checked:
                    data.setdefault(item.name, []).append(item.value or "y")
            elif item.kind == "select":
                chosen = [value for value, selected in item.options if selected]
                usable = [value for value, _ in item.options if value not in ("", "0")]
                data[item.name] = chosen or usable[:1] or [""]
            elif item.kind == "submit":
                if item.name == "save":
                    data["save"] = [item.value or "Save"]
            elif item.kind not in ("file", "button", "reset", "image"):
                data.setdefault(item.name, []).append(item.value)
        for name, value in overrides.items():
            data[name] = value if isinstance(value, list) else [value]
        return data


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._textarea: FormField | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(PageForm(a.get("method", "get").lower(), a.get("action")))
            return
        if not self.forms or tag not in ("input", "textarea", "select", "option", "button"):
            return
        current = self.forms[-1]
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input" and a.get("name"):
            current.fields.append(
                FormField(
                    "input",
                    a.get("type", "text").lower(),
                    a["name"],
                    a.get("value", ""),
                    maxlength,
                    "checked" in a,
                )
            )
        elif tag == "button" and a.get("name"):
            current.fields.append(FormField("button", "submit", a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField("textarea", "textarea", a["name"], "", maxlength)
            current.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = FormField("select", "select", a["name"])
            current.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, method: str = "post") -> list[PageForm]:
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if form.method == method]


def query_names(html: str) -> set[str]:
    """The query parameters a page's GET forms and its links send."""
    names = {item.name for form in forms_on(html, "get") for item in form.fields}
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        names |= {name for name, _ in parse_qsl(urlsplit(href.replace("&amp;", "&")).query)}
    return names


def token_of(browser: FlaskClient, page_url: str) -> str:
    return csrf_token_from(browser.get(page_url, follow_redirects=True).get_data(as_text=True))
