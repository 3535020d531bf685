"""The event registry: handlers in order, in the publisher's transaction, wired once per app."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

import lms.jobs
from competencies.services.frameworks import ensure_default_frameworks
from config import TestingConfig
from courses.certificates.models import CertificateRequest
from courses.events import AttemptGraded, CompetencyAlignments, CourseCompleted
from lms import create_app
from lms.edge import saving
from lms.events import Event, EventRegistry, Lookup, PlacementChanged, events_of, publish
from lms.extensions import db
from lms.timeutil import utcnow
from tests.courses.assignment_helpers import lesson_course


@dataclass(frozen=True)
class Pinged(Event):
    n: int


@dataclass(frozen=True)
class Doubled(Lookup):
    n: int


def test_a_lookup_has_one_answerer_and_asking_without_one_says_so():
    registry = EventRegistry()
    with pytest.raises(LookupError, match="nothing answers Doubled"):
        registry.ask(Doubled(2))

    def double(lookup: Doubled) -> int:
        return lookup.n * 2

    registry.answer(Doubled, double)
    registry.answer(Doubled, double)  # the same answerer again: changes nothing
    assert registry.ask(Doubled(21)) == 42
    with pytest.raises(ValueError, match="already has an answerer"):
        registry.answer(Doubled, lambda lookup: 0)
    with pytest.raises(TypeError):
        registry.answer(Pinged, double)


def test_certificates_name_competencies_through_the_app_lookup(app, db):
    """The competencies feature answers the certificates' question, in the order asked; a code
    no framework holds is named by itself."""
    ensure_default_frameworks()
    answer = events_of(app).ask(CompetencyAlignments(("P-ACC", "NO-SUCH")))
    assert [(a.code, bool(a.framework)) for a in answer] == [("P-ACC", True), ("NO-SUCH", False)]
    assert answer[0].name != "P-ACC"


def test_handlers_run_in_subscription_order_once_each():
    registry, calls = EventRegistry(), []

    def first(event: Pinged) -> None:
        calls.append(("first", event.n))

    def second(event: Pinged) -> None:
        calls.append(("second", event.n))

    registry.subscribe(Pinged, first)
    registry.subscribe(Pinged, second)
    registry.subscribe(Pinged, first)  # again: changes nothing
    registry.publish(Pinged(1))
    registry.publish(PlacementChanged((1,)))  # nobody listens: nothing happens
    assert calls == [("first", 1), ("second", 1)]


def test_an_exception_stops_the_later_handlers_and_reaches_the_publisher():
    registry, calls = EventRegistry(), []

    def failing(event: Pinged) -> None:
        raise RuntimeError("handler failed")

    registry.subscribe(Pinged, failing)
    registry.subscribe(Pinged, lambda event: calls.append(event))
    with pytest.raises(RuntimeError, match="handler failed"):
        registry.publish(Pinged(1))
    assert calls == []


def test_only_event_types_can_be_subscribed_to():
    with pytest.raises(TypeError):
        EventRegistry().subscribe(dict, print)


def test_a_failing_handler_rolls_back_what_the_others_wrote(
    app, create_unit, root_unit, create_user, monkeypatch
):
    """The certificate request written for a course completion goes with the completion's
    transaction when a later handler fails; its job is never sent."""
    course = lesson_course("EV-1", create_unit("NTC", parent=root_unit, kind="training_centre"))
    officer = create_user(roles=("officer",))
    course_id, officer_id = course.id, officer.id
    sent: list = []
    monkeypatch.setattr(lms.jobs, "send_now", lambda name, args: sent.append((name, args)))

    def failing(event: CourseCompleted) -> None:
        assert db.session.scalar(select(func.count(CertificateRequest.id))) == 1  # flushed
        raise RuntimeError("handler failed")

    events_of(app).subscribe(CourseCompleted, failing)
    with pytest.raises(RuntimeError), saving():
        publish(CourseCompleted(officer_id, course_id, utcnow()))
    assert db.session.scalar(select(func.count(CertificateRequest.id))) == 0
    assert sent == []

    events_of(app).unsubscribe(CourseCompleted, failing)
    with saving():
        publish(CourseCompleted(officer_id, course_id, utcnow()))
    request_id = db.session.scalar(select(CertificateRequest.id))
    assert sent == [("courses.issue_certificate", [request_id])]


def test_every_app_has_its_own_registry_subscribed_once(app, tmp_path):
    """Building apps again (the tests build hundreds) never subscribes a handler twice."""
    other = create_app(
        TestingConfig,
        {"INSTANCE_PATH": str(tmp_path / "other"), "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    )
    wiring = {
        AttemptGraded: ["record_attempt_evidence"],
        CourseCompleted: ["request_certificates_for", "complete_memberships_for"],
        PlacementChanged: ["sync_memberships"],
    }
    assert events_of(other) is not events_of(app)
    for built in (app, other):
        handlers = events_of(built).handlers
        assert {kind: [h.__name__ for h in handlers(kind)] for kind in wiring} == wiring
