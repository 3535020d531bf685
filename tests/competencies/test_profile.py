"""The officer's competency profile, who may see it, and trainers' ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from competencies.models import Evidence
from competencies.rules import DEMONSTRATION_RULE, demonstration_rule
from competencies.services.gaps import CompetencyInfo, PrincipleRef
from competencies.services.profile import (
    CourseLink,
    EvidenceLine,
    LevelFact,
    Requirement,
    RuleStatement,
    assemble_profile,
    evidence_behind,
    rule_statements,
)
from tests.competencies.gap_world import (
    counting_queries,
    get_ok,
    publish_course,
    row_of,
    take_quiz,
    text_of,
)
from tests.conftest import csrf_token_from

# --- done-when 1: a quiz moves the level, the profile and the matrix show it at once ------------


def test_a_graded_quiz_shows_at_once_in_the_profile_and_the_matrix(app, world, login_as, db):
    quiz = publish_course(
        world.training,
        code="STD-101",
        title="Standards at the border",
        competency_code="P-STD",
    )
    publish_course(
        world.training,
        code="STD-DRAFT",
        title="Unfinished standards draft",
        competency_code="P-STD",
        published=False,
    )
    officer_browser = app.test_client()
    hr_browser = app.test_client()
    login_as(world.officer, on=officer_browser)
    login_as(world.hr_north, on=hr_browser)

    before = get_ok(officer_browser, "/profile")
    row = text_of(row_of(before, "Standardization"))
    assert "none yet" in row and "2 · Trained" in row and "2 levels short" in row
    assert "Standards at the border" in before  # the published course that builds it
    assert "Unfinished standards draft" not in before  # drafts are not offered
    assert DEMONSTRATION_RULE in text_of(before)
    matrix_row = row_of(get_ok(hr_browser, "/matrix"), "Amina Northport")
    assert "0/2* −2" in matrix_row

    take_quiz(world.officer, quiz, right=True)

    after = get_ok(officer_browser, "/profile")
    row = text_of(row_of(after, "Standardization"))
    assert "2 · Trained" in row.split("Standardization", 1)[1]
    assert "✓ met" in row
    detail = text_of(after.split("Standardization", 1)[1].split("</tbody>", 1)[0])
    assert "Standards at the border check" in detail  # the evidence names the quiz
    assert "Courses that build this competency" not in detail  # no gap, nothing to offer
    # Why level 2: the rule as applied, the attempt, and the questions that made it.
    why = text_of(after.split('class="why"', 1)[1].split("</div>", 1)[0])
    assert "Why level 2 · Trained?" in why
    assert "Quiz “Standards at the border check” in Standards at the border, graded" in why
    assert "3 questions of level 2 (at least 3 needed)" in why
    assert "you scored 100% on the 6 questions of level 2 or below (80% needed)" in why
    assert "Which valuation method? · level 2 · 100%" in why
    assert "Which nomenclature? · level 1 · 100%" in why
    assert "The right answer" not in why  # names, never keys
    matrix_row = row_of(get_ok(hr_browser, "/matrix"), "Amina Northport")
    assert "2/2* ✓" in matrix_row
    assert "gap-0" in matrix_row


def test_profile_groups_by_principle_and_lists_evidence_and_mandatory(
    app, world, client, login_as, db
):
    quiz = publish_course(
        world.training, code="STD-101", title="Standards course", competency_code="P-STD"
    )
    take_quiz(world.officer, quiz, right=False)  # attempted: level 0 evidence
    login_as(world.officer)
    html = get_ok(client, "/profile")
    text = text_of(html)
    # One section per principle, in the principles' order; operational ones under theirs.
    assert text.index("P-INT Integrity") < text.index("P-STD Standardization")
    assert "mandatory" in text_of(row_of(html, "Integrity"))
    assert "mandatory" not in text_of(row_of(html, "Tariff"))  # OPS-TAR is not mandatory
    assert "Attempted: no level demonstrated" in text
    assert "quiz “Standards course check” in Standards course" in text
    assert "Requirements met 0 of 3" in text


def test_profile_queries_do_not_grow_with_evidence_or_courses(app, world, client, login_as, db):
    login_as(world.officer)
    quiz = publish_course(
        world.training, code="STD-101", title="Standards course", competency_code="P-STD"
    )
    take_quiz(world.officer, quiz, right=False)
    with counting_queries() as few:
        get_ok(client, "/profile")
    for n in range(2, 6):
        more = publish_course(
            world.training, code=f"STD-10{n}", title=f"Standards {n}", competency_code="P-STD"
        )
        take_quiz(world.officer, more, right=False)
    for _ in range(3):
        take_quiz(world.officer, quiz, right=False)
    with counting_queries() as many:
        html = get_ok(client, "/profile")
    assert "Standards 5" in html and "8 pieces of evidence" in html
    assert many.count == few.count, many.statements


# --- who sees whose profile -------------------------------------------------------------------


def test_an_officer_sees_only_their_own_profile(world, client, login_as):
    login_as(world.officer)
    assert client.get(f"/profile/{world.officer.id}").status_code == 200
    assert client.get(f"/profile/{world.south_officer.id}").status_code == 403
    assert client.get("/profile/999999").status_code == 403  # no telling who exists
    assert client.get("/profiles").status_code == 403


def test_hr_sees_profiles_within_its_scope_only(world, client, login_as):
    login_as(world.hr_north)
    page = get_ok(client, f"/profile/{world.officer.id}")
    assert "Competencies of Amina Northport" in page
    assert "Add a rating" not in page  # only trainers rate
    assert client.get(f"/profile/{world.south_officer.id}").status_code == 404
    assert client.get("/profile").status_code == 403  # HR has no officer profile of its own
    found = get_ok(client, "/profiles?q=o")
    assert "Amina Northport" in found and "Sipho Southborder" not in found


def test_admin_and_trainers_see_every_officer(world, client, app, login_as):
    login_as(world.admin)
    assert client.get(f"/profile/{world.south_officer.id}").status_code == 200
    trainer = app.test_client()
    login_as(world.trainer, on=trainer)
    assert "Sipho Southborder" in get_ok(trainer, "/profiles")
    page = get_ok(trainer, f"/profile/{world.south_officer.id}")
    assert "Add a rating" in page
    # A trainer sees officers, not the HR or admin accounts.
    assert trainer.get(f"/profile/{world.hr_north.id}").status_code == 404


# --- trainers' ratings ------------------------------------------------------------------------


def rate(browser, owner_id: int, competency_id: int, level: int, note: str):
    token = csrf_token_from(browser.get(f"/profile/{owner_id}").get_data(as_text=True))
    return browser.post(
        f"/profile/{owner_id}/ratings",
        data={"competency": competency_id, "level": level, "note": note, "csrf_token": token},
    )


def test_a_trainer_rates_an_officer_and_the_profile_shows_it(world, app, client, login_as, db):
    trainer = app.test_client()
    login_as(world.trainer, on=trainer)
    integrity = world.competencies["P-INT"]
    response = rate(
        trainer, world.officer.id, integrity.id, 3, "Declined a gift at the counter, reported it."
    )
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence).where(Evidence.user_id == world.officer.id))
    assert (evidence.source, evidence.level, evidence.rated_by_id) == (
        "manual",
        3,
        world.trainer.id,
    )

    login_as(world.officer)
    html = get_ok(client, "/profile")
    row = text_of(row_of(html, "Integrity"))
    assert "3 · Advanced" in row and "✓ met" in row
    text = text_of(html)
    assert "rated by Tariq Trainer: “Declined a gift at the counter, reported it.”" in text


def test_a_rating_needs_a_note_and_nothing_is_saved_without_it(world, app, login_as, db):
    trainer = app.test_client()
    login_as(world.trainer, on=trainer)
    response = rate(trainer, world.officer.id, world.competencies["P-INT"].id, 2, "  ")
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_only_trainers_rate_and_never_themselves(world, app, client, login_as, db, create_user):
    login_as(world.officer)
    token = csrf_token_from(client.get("/profile").get_data(as_text=True))
    refused = client.post(
        f"/profile/{world.south_officer.id}/ratings",
        data={
            "competency": world.competencies["P-INT"].id,
            "level": 4,
            "note": "I say so.",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 403
    hr = app.test_client()
    login_as(world.hr_north, on=hr)
    assert rate(hr, world.officer.id, world.competencies["P-INT"].id, 4, "x").status_code == 403

    both = create_user(
        "both@customs.example",
        roles=("officer", "trainer"),
        unit=world.training,
        full_name="Olu Both",
    )
    browser = app.test_client()
    login_as(both, on=browser)
    own = rate(browser, both.id, world.competencies["P-INT"].id, 4, "Me, obviously.")
    assert own.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


# --- the pure assembly ------------------------------------------------------------------------


def info(competency_id: int, code: str, *principles: PrincipleRef) -> CompetencyInfo:
    return CompetencyInfo(
        competency_id,
        code,
        f"Name {code}",
        1,
        "Framework",
        1,
        ("Aware", "Trained", "Advanced", "Expert"),
        2,
        tuple(principles),
    )


def test_the_why_of_a_level_is_the_evidence_that_made_it():
    early, late = datetime(2025, 1, 1), datetime(2025, 3, 1)
    made = EvidenceLine(10, 2, "quiz", early, "Quiz", "Course", basis={"questions": []})
    again = EvidenceLine(10, 2, "quiz", late, "Quiz", "Course")
    lower = EvidenceLine(10, 1, "manual", late, rater_name="Trainer", note="Seen at the port.")
    evidence = [again, lower, made]  # newest first, as read
    profile = assemble_profile([info(10, "A")], {}, {10: LevelFact(2, early)}, evidence, courses={})
    assert profile.lines[0].why is made  # the row recorded when the level was achieved
    assert evidence_behind(LevelFact(2, datetime(2024, 1, 1)), evidence) is again  # else newest
    assert evidence_behind(LevelFact(1, late), evidence) is lower
    assert evidence_behind(LevelFact(0, late), evidence) is None
    assert evidence_behind(LevelFact(3, late), evidence) is None


def test_the_rule_is_stated_once_per_n_naming_frameworks_only_when_they_differ():
    customs = CompetencyInfo(1, "A", "A", 1, "Customs", 1, ("x", "y"), 1, (), 3)
    reform = CompetencyInfo(2, "B", "B", 2, "Reform", 2, ("x", "y"), 1, (), 5)
    assert rule_statements([]) == (RuleStatement(DEMONSTRATION_RULE),)
    assert rule_statements([customs, customs]) == (RuleStatement(demonstration_rule(3)),)
    assert rule_statements([reform, customs]) == (
        RuleStatement(demonstration_rule(3), ("Customs",)),
        RuleStatement(demonstration_rule(5), ("Reform",)),
    )


def test_an_evidence_line_counts_the_questions_at_its_level():
    basis = {"questions": [{"level": 1}, {"level": 2}, {"level": 2}]}
    line = EvidenceLine(10, 2, "quiz", datetime(2025, 1, 1), basis=basis)
    assert (len(line.questions), line.questions_at_level) == (3, 2)
    assert EvidenceLine(10, 2, "manual", datetime(2025, 1, 1)).questions == []


def test_assemble_profile_offers_courses_only_where_there_is_a_gap():
    integrity = PrincipleRef(1, "P-INT", "Integrity", 1)
    transparency = PrincipleRef(2, "P-TRA", "Transparency", 2)
    infos = [info(10, "A", transparency), info(11, "B", integrity), info(12, "C", integrity)]
    at = datetime(2025, 1, 1)
    profile = assemble_profile(
        infos,
        requirements={10: Requirement(3, True), 11: Requirement(1, False)},
        levels={10: LevelFact(1, at), 11: LevelFact(2, at), 12: LevelFact(4, at)},
        evidence=[EvidenceLine(10, 1, "quiz", at, "Quiz", "Course")],
        courses={"A": [CourseLink(5, "C-5", "Course A")], "B": [CourseLink(6, "C-6", "B")]},
    )
    assert [g.code for g in profile.groups] == ["P-INT", "P-TRA"]
    a = profile.groups[1].items[0]
    assert (a.gap, a.mandatory, a.proficient, [c.title for c in a.courses]) == (
        2,
        True,
        False,
        ["Course A"],
    )
    b, c = profile.groups[0].items
    assert (b.gap, b.courses, c.required, c.gap, c.proficient) == (0, (), None, None, True)
    assert (profile.required_count, profile.met_count, profile.mandatory_gaps) == (2, 1, 1)
