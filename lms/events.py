"""Events one feature publishes and others react to: a registry of typed events per app.

An event is a frozen dataclass (a subclass of `Event`) defined by the package that publishes it:
`PlacementChanged` here, the course events in courses/events.py. Every subscription is written
in one place, `register_events` in lms/__init__.py, so that one screen shows which feature
reacts to which event.

The contract: `publish` calls the handlers in the order they were subscribed, synchronously,
inside the caller's transaction. Handlers flush, never commit; what they write commits or rolls
back with the change that caused it, and an exception in a handler propagates to the caller
(the handlers after it do not run). A handler that wants background work queues it with
lms.jobs.queue_job, which sends it only after the commit.

The same registry carries the one other way features reach each other: a *lookup*, a question
one feature asks and exactly one other answers, with no side effects (a certificate needs the
names of the competencies a course evidences; courses do not import competencies). A lookup is a
frozen dataclass too (a subclass of `Lookup`); its answerer is wired beside the subscriptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app

EXTENSION = "events"

E = TypeVar("E", bound="Event")
L = TypeVar("L", bound="Lookup")


@dataclass(frozen=True)
class Event:
    """Base of every event payload: frozen, plain data (ids, times, small value objects)."""


@dataclass(frozen=True)
class Lookup:
    """Base of every lookup: a frozen question (codes, ids) that exactly one answerer answers."""


class EventRegistry:
    """The handlers of each event type for one app, in subscription order, and the answerer of
    each lookup type."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Callable[[Event], object]]] = {}
        self._answerers: dict[type[Lookup], Callable[[Lookup], Any]] = {}

    def subscribe(self, event_type: type[E], handler: Callable[[E], object]) -> None:
        """Call `handler(event)` on every published `event_type`; subscribing the same handler
        again changes nothing."""
        if not (isinstance(event_type, type) and issubclass(event_type, Event)):
            raise TypeError(f"{event_type!r} is not an Event type")
        handlers = self._handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)

    def unsubscribe(self, event_type: type[E], handler: Callable[[E], object]) -> None:
        handlers = self._handlers.get(event_type, [])
        if handler in handlers:
            handlers.remove(handler)

    def handlers(self, event_type: type[Event]) -> tuple[Callable[[Event], object], ...]:
        return tuple(self._handlers.get(event_type, ()))

    def publish(self, event: Event) -> None:
        """Call the handlers of the event's exact type, in order; their exceptions propagate."""
        for handler in self.handlers(type(event)):
            handler(event)

    def answer(self, lookup_type: type[L], answerer: Callable[[L], Any]) -> None:
        """Let `answerer(lookup)` answer every `lookup_type`; a lookup has one answerer only."""
        if not (isinstance(lookup_type, type) and issubclass(lookup_type, Lookup)):
            raise TypeError(f"{lookup_type!r} is not a Lookup type")
        known = self._answerers.get(lookup_type)
        if known is not None and known is not answerer:
            raise ValueError(f"{lookup_type.__name__} already has an answerer")
        self._answerers[lookup_type] = answerer

    def ask(self, lookup: Lookup) -> Any:
        """The answer to `lookup`; LookupError when no feature answers its type."""
        answerer = self._answerers.get(type(lookup))
        if answerer is None:
            raise LookupError(f"nothing answers {type(lookup).__name__}")
        return answerer(lookup)


def events_of(app: Flask) -> EventRegistry:
    """The app's registry (made by register_events in the app factory)."""
    return app.extensions[EXTENSION]


def publish(event: Event) -> None:
    """Publish an event to the current app's handlers, in the caller's transaction."""
    events_of(current_app).publish(event)


def ask(lookup: Lookup) -> Any:
    """Ask the current app's answerer of this lookup."""
    return events_of(current_app).ask(lookup)


# --- the platform core's own events -------------------------------------------------------------


@dataclass(frozen=True)
class PlacementChanged(Event):
    """Officers were created, moved to another unit or position, given or refused the officer
    role, or (de)activated: their placement may have changed (published after a flush)."""

    user_ids: tuple[int, ...]


def announce_placement_changes(user_ids: list[int]) -> None:
    """Publish PlacementChanged for these users, if there are any."""
    if user_ids:
        publish(PlacementChanged(tuple(user_ids)))
