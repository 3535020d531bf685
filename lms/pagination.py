"""Paged lists: the page number from the query string, and links to other pages."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from lms.extensions import db

# Far beyond any real list; keeps the OFFSET a number every database accepts.
MAX_PAGE = 100_000


def paginate(query: Select, *, per_page: int = 50) -> Pagination:
    """The page of `query` named by ?page= (1 when missing, not a number or out of range)."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_url(number: int) -> str:
    """This page's URL with ?page=`number`, every other query argument kept as it was."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    args.append(("page", str(number)))
    return url_for(request.endpoint, **(request.view_args or {})) + "?" + urlencode(args)
