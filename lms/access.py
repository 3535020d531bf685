"""Deny by default: every endpoint names who may use it, or nobody can.

A view declares its rule with one decorator: ``@allow("admin")``, ``@allow("hr", "admin")``,
``@allow_authenticated`` or ``@allow_public``. A before-request hook reads the rule of the
endpoint being called; an endpoint without one answers 403 to everybody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable)

PUBLIC = "public"
AUTHENTICATED = "authenticated"
# Endpoints a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = {"accounts.change_password", "accounts.logout", "static"}


def allow(*roles: str) -> Callable[[F], F]:
    """Allow the endpoint to users holding any of `roles`."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: F) -> F:
        view.access_rule = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def allow_public(view: F) -> F:
    """Allow the endpoint to anyone, logged in or not."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def allow_authenticated(view: F) -> F:
    """Allow the endpoint to any logged-in user, whatever their roles."""
    view.access_rule = AUTHENTICATED  # type: ignore[attr-defined]
    return view


def access_rule_of(endpoint: str | None) -> object | None:
    """The rule declared for an endpoint, or None when it has none (denied)."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access_rules() -> object | None:
    if request.endpoint is None:
        return None  # no route matched: let the 404 handler answer
    rule = access_rule_of(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule: denied", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("accounts.change_password"))
    if rule == AUTHENTICATED:
        return None
    if not current_user.has_role(*rule):  # type: ignore[misc]
        abort(403)
    return None


def register_access_control(app: Flask) -> None:
    app.before_request(enforce_access_rules)
