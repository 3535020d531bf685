"""The trainer's bank checks page (the per-bank part of `flask catalogue check`)."""

from __future__ import annotations

import dataclasses
import re

from tests.courses.authoring_fixtures import *  # noqa: F403 (fixtures)
from tests.courses.authoring_fixtures import SINGLE_CHOICE, TRUE_FALSE


def row_text(page: str, row_id: str) -> str:
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_the_page_shows_each_check_with_its_cut_off_and_what_the_bank_can_evidence(
    trainer_client, build_course
):
    again = dataclasses.replace(TRUE_FALSE, text="Rulings should be published!")
    untagged = dataclasses.replace(TRUE_FALSE, text="Appeals are free.", competency_code=None)
    built = build_course(bank=(SINGLE_CHOICE, TRUE_FALSE, again, untagged))
    url = f"/author/courses/{built.course.id}/questions/checks"

    outline = trainer_client.get(f"/author/courses/{built.course.id}").get_data(as_text=True)
    response = trainer_client.get(url)

    assert f'href="{url}"' in outline
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    question_id = built.questions[0].id
    assert row_text(page, "check-longest-key") == (
        "Single choice: the key is the longest option flagged above one third 1 of 1 (100 %) "
        f"#{question_id} “Which chapter of the General Annex cover…” Problem"
    )
    assert row_text(page, "check-true-false").endswith(
        "flagged outside 35–65 % 3 of 3 (100 %) Problem"
    )
    duplicates = row_text(page, "check-duplicates")
    assert "the same text" in duplicates and duplicates.endswith("Problem")
    assert "untagged (evidences nothing)" in page
    assert re.search(r"<td>P-TRA</td><td>2</td><td>2</td><td>2</td>", page)


def test_the_page_flags_an_assessment_whose_pool_holds_less_than_twice_its_draw(
    db, trainer_client, build_course
):
    more = (
        dataclasses.replace(
            SINGLE_CHOICE,
            text="Which chapter of the General Annex sets out the right of appeal in writing?",
        ),
        dataclasses.replace(
            TRUE_FALSE, text="Advance rulings bind the administration that gave them."
        ),
    )
    built = build_course(bank=(SINGLE_CHOICE, TRUE_FALSE, *more))  # its assessment draws all 4
    url = f"/author/courses/{built.course.id}/questions/checks"

    assert row_text(trainer_client.get(url).get_data(as_text=True), "check-draw-size") == (
        "Assessments: the pool against the draw flagged when the pool holds fewer than twice "
        "the questions an attempt draws Check yourself: 4 of 4 Problem"
    )

    quiz = built.quiz.quiz
    quiz.draw_mode, quiz.draw_count = "per_competency_level", 1  # 1 of P-ACC L1, 1 of P-TRA L2
    db.session.commit()
    page = trainer_client.get(url).get_data(as_text=True)
    assert row_text(page, "check-draw-size").endswith("Check yourself: 2 of 4 OK")
