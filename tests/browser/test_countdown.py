"""A timed attempt in Chromium: the page counts down with the platform's own script and, at
zero, sends the answers filled in so far, which the server grades (the grace for the network
is not needed to reach it). The attempt is brought near its time limit behind the page's back,
so the journey takes seconds, not the quiz's minutes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from courses.learning.models import Attempt, Course, CourseItem
from lms.timeutil import utcnow
from tests.browser.test_journeys import OFFICER, plain_text, sign_in, squash

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium` fixture skips, or fails in CI, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.services]

# A catalogue course with timed quizzes that the other journeys leave alone.
COURSE_CODE = "P-STD-101"
SECONDS_LEFT = 12


def first_quiz(database: Engine) -> tuple[int, int]:
    with database.connect() as connection:
        return connection.execute(
            select(CourseItem.course_id, CourseItem.id)
            .join(Course, Course.id == CourseItem.course_id)
            .where(Course.code == COURSE_CODE, CourseItem.kind == "quiz")
            .order_by(CourseItem.id)
            .limit(1)
        ).one()


def test_a_timed_attempt_counts_down_and_sends_the_filled_answers_at_zero(
    open_journey, platform_database
):
    journey = open_journey("countdown")
    page = journey.page
    sign_in(journey, *OFFICER)
    expect(page).to_have_url(re.compile(r"/my/learning$"))
    journey.step("my learning", screenshot=False)
    course_id, item_id = first_quiz(platform_database)
    page.goto(f"/courses/{course_id}/items/{item_id}")
    journey.step("timed quiz")
    page.get_by_role("button", name=re.compile(r"^Start attempt")).click()
    journey.step("timed attempt", screenshot=False)
    attempt_id = int(re.search(r"/attempts/(\d+)$", page.url).group(1))

    with platform_database.begin() as connection:
        connection.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(deadline_at=utcnow() + timedelta(seconds=SECONDS_LEFT))
        )
        snapshot = connection.execute(
            select(Attempt.snapshot).where(Attempt.id == attempt_id)
        ).scalar_one()
    page.reload()
    timer = page.get_by_role("timer")
    expect(timer).to_be_visible()
    expect(timer).to_have_text(re.compile(r"^0:(0\d|1[0-2])$"))
    journey.step("attempt seconds before its time limit")
    assert "Answers that arrive up to 10 seconds after the time limit" in squash(
        page.locator("main").text_content()
    )

    # One answer, wrong on purpose (no competency evidence for the demo officer), is filled in.
    question = page.get_by_role("group", name=re.compile(r"^Question 1 of \d+$"))
    text = squash(question.locator(".question-text").text_content())
    entry = next(e for e in snapshot if plain_text(e["text_html"]) == text)
    frozen = entry["frozen"]
    if entry["qtype"] in {"single_choice", "multiple_response"}:
        worst = min(frozen["choices"], key=lambda choice: choice["fraction"])
        question.get_by_label(plain_text(worst["html"]), exact=True).check()
    elif entry["qtype"] == "true_false":
        question.get_by_role("radio", name="False" if frozen["answer"] else "True").check()
    elif entry["qtype"] == "matching":
        prompt = frozen["prompts"][0]
        wrong = next(o["id"] for o in frozen["options"] if o["id"] != prompt["answer"])
        value = f"{prompt['id']}:{wrong}"
        question.locator(f"select:has(option[value='{value}'])").select_option(value=value)
    else:
        question.get_by_role("textbox").fill("no idea")

    before = timer.text_content()
    expect(timer).not_to_have_text(before, timeout=3_000)  # it counts down
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=20_000)
    journey.step("result sent by the countdown")
    main = squash(page.locator("main").text_content())
    assert "too late" not in main and "closed with no score" not in main, main[:500]

    with platform_database.connect() as connection:
        status, answers = connection.execute(
            select(Attempt.status, Attempt.answers).where(Attempt.id == attempt_id)
        ).one()
    assert status == "graded", status
    assert answers[entry["key"]], answers  # the answer filled in went with the form
    journey.finish()
