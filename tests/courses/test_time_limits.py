"""Honest time limits: answers are graded until the deadline plus the network grace the attempt
page states (QUIZ_SUBMIT_GRACE_SECONDS), refused a second later; the page counts down with a
script of the platform's own and says the same in words without it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from courses.learning.models import Attempt
from courses.learning.services import attempts
from lms.errors import Conflict
from lms.timeutil import utcnow
from tests.courses.conftest import answers_for, attempt_id_from, post_form

SECOND = timedelta(seconds=1)
GRACE_SENTENCE = (
    "Answers that arrive up to {n} seconds after the time limit, to allow for the network, "
    "are accepted; later ones are not, and the attempt then counts with no score."
)


def started(db, officer, built) -> Attempt:
    attempt = attempts.start_attempt(officer.id, built.quiz)
    db.session.commit()
    return attempt


def test_the_grace_is_a_small_setting():
    from config import Config

    assert Config.QUIZ_SUBMIT_GRACE_SECONDS == 10


def test_answers_a_second_inside_the_grace_are_graded(db, officer, create_course):
    built = create_course(lessons=1, time_limit_minutes=10)
    attempt = started(db, officer, built)
    arrived = attempt.deadline_at + attempts.submit_grace() - SECOND
    form = answers_for(attempt.snapshot, right=True)

    graded = attempts.submit_attempt(officer.id, attempt.id, form, now=arrived)

    assert (graded.status, graded.score, graded.passed) == ("graded", 100.0, True)
    assert graded.submitted_at == arrived


def test_answers_a_second_after_the_grace_are_refused_and_close_the_attempt(
    db, officer, create_course
):
    built = create_course(lessons=1, time_limit_minutes=10)
    attempt = started(db, officer, built)
    arrived = attempt.deadline_at + attempts.submit_grace() + SECOND
    form = answers_for(attempt.snapshot, right=True)

    with pytest.raises(Conflict, match="arrived too late and were not accepted"):
        attempts.submit_attempt(officer.id, attempt.id, form, now=arrived)

    db.session.refresh(attempt)
    assert (attempt.status, attempt.score, attempt.passed) == ("expired", 0.0, False)
    assert attempt.answers == {}


@pytest.fixture
def frozen_clock(monkeypatch) -> datetime:
    """The attempts service and the learning views read this moment as now."""
    moment = utcnow()
    monkeypatch.setattr("courses.learning.services.attempts.utcnow", lambda: moment)
    monkeypatch.setattr("courses.learning.views.utcnow", lambda: moment)
    return moment


@pytest.mark.parametrize(("seconds_past_the_grace", "graded"), [(-1, True), (1, False)])
def test_the_page_states_the_grace_the_server_keeps(
    app, client, db, login_as, officer, create_course, frozen_clock, seconds_past_the_grace, graded
):
    """One setting drives both: a 4-second grace is the one stated and the one kept."""
    app.config["QUIZ_SUBMIT_GRACE_SECONDS"] = 4
    built = create_course(lessons=1, time_limit_minutes=10)
    login_as(officer)
    attempt = started(db, officer, built)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert GRACE_SENTENCE.format(n=4) in " ".join(page.split())

    attempt.deadline_at = frozen_clock - timedelta(seconds=4 + seconds_past_the_grace)
    db.session.commit()
    response = post_form(
        client,
        f"/attempts/{attempt.id}/submit",
        "/my/learning",
        answers_for(attempt.snapshot, right=True),
    )
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(attempt)
    if graded:
        assert (attempt.status, attempt.score) == ("graded", 100.0)
        assert "too late" not in result
    else:
        assert (attempt.status, attempt.score, attempt.answers) == ("expired", 0.0, {})
        assert "these answers arrived too late and were not accepted" in result


def test_a_timed_attempt_page_counts_down_with_its_own_script_and_says_it_in_words(
    client, db, login_as, officer, create_course, frozen_clock
):
    built = create_course(lessons=1, time_limit_minutes=10)
    login_as(officer)
    attempt_id = attempt_id_from(
        post_form(
            client,
            f"/courses/{built.course.id}/items/{built.quiz.id}/attempts",
            f"/courses/{built.course.id}/items/{built.quiz.id}",
        )
    )
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = frozen_clock + timedelta(minutes=7, seconds=5, milliseconds=900)
    db.session.commit()

    response = client.get(f"/attempts/{attempt_id}")
    page = " ".join(response.get_data(as_text=True).split())
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert '<script src="/static/attempt-countdown.js" defer></script>' in page
    # The countdown, shown by the script, starts from the whole seconds left (rounded down:
    # it never ends after the deadline) and sends this form.
    countdown = re.search(r'<div id="countdown" class="countdown" hidden ([^>]*)>', page)
    assert countdown and 'data-seconds-left="425"' in countdown.group(1)
    assert '<span id="countdown-value" role="timer">7:05</span>' in page
    assert 'class="quiz-form" id="attempt-form"' in page
    assert "at zero, this page sends the answers you have filled in." in page
    # Read without the script: the time limit, the minutes left, and how to see them change.
    assert "Submit by" in page and "about 8 minutes left when this page was loaded" in page
    assert (
        '<noscript><p class="hint">This page counts down only with JavaScript: reload it to '
        "see the time left, and submit before the time limit.</p></noscript>"
    ) in page
    assert GRACE_SENTENCE.format(n=10) in page


def test_an_untimed_attempt_page_loads_no_script(client, db, login_as, officer, create_course):
    built = create_course(lessons=1, time_limit_minutes=None)
    login_as(officer)
    attempt = started(db, officer, built)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "This quiz has no time limit." in page
    assert "<script" not in page and "countdown" not in page


def test_the_countdown_script_is_served_from_the_platform_itself(client):
    with client.get("/static/attempt-countdown.js") as response:
        assert response.status_code == 200
        assert response.mimetype in {"text/javascript", "application/javascript"}
        script = response.get_data(as_text=True)
    # It sends the form as filled (not requestSubmit, which the browser's checks can stop),
    # and writes text only.
    assert "form.submit()" in script
    assert "innerHTML" not in script and "eval(" not in script
