"""URL converters: an ``<int:…>`` id in a URL always fits the database's integer columns."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# PostgreSQL's integer. Larger numbers would reach the database and fail there (SQLite raises
# OverflowError beyond 2**63): refusing them in routing makes them a plain 404.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def register_converters(app: Flask) -> None:
    """Replace the `int` converter; must run before any route is registered."""
    app.url_map.converters["int"] = IdConverter
