"""Upgrading a database populated with the first edition of the competency model (attempts,
evidence, current levels, certificates, positions' requirements, course tags) to the second:
every record is still there and every officer's levels are intact or carried to the successor
competency; running the upgrade again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competencies.default_positions import (
    FIRST_EDITION_MANDATORY,
    FIRST_EDITION_PROFILES,
    default_profile,
)
from competencies.models import (
    Competency,
    CompetencySuccession,
    CurrentLevel,
    Evidence,
    Framework,
    PositionRequirement,
)
from competencies.services import frameworks as framework_service
from competencies.services.evidence import add_manual_rating
from competencies.services.frameworks import ensure_default_frameworks, list_frameworks
from competencies.services.levels import rebuild_current_levels
from competencies.successions import SUCCESSIONS
from courses.assignments.models import Curriculum
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from courses.authoring.services import authored_courses, publishing, quizzes, structure, tasks
from courses.authoring.services.questions import QuestionInput, save_question
from courses.certificates.models import Certificate, CertificateRequest
from courses.learning.models import Attempt, CourseItem, ModuleCompetency, Question
from courses.learning.services import attempts as attempt_service
from courses.learning.services.principles import ensure_principles
from courses.marking.models import RubricCriterion
from lms.extensions import db as _db
from lms.timeutil import utcnow
from tests.competencies.first_edition import FIRST_EDITION_FRAMEWORKS
from tests.courses.certificate_helpers import issue

RETIRED = {s.retired for s in SUCCESSIONS}


def statement(code: str, level: int, n: int) -> QuestionInput:
    return QuestionInput(
        qtype="true_false",
        name=f"{code}-L{level}-{n}",
        text=f"Statement {n} on {code} at level {level}: the officer records the reason.",
        level=level,
        competency_code=code,
        data={"answer": n % 2 == 0},
    )


def answer_all_right(snapshot: list[dict]) -> dict[str, list[str]]:
    return {f"answer-{e['key']}": ["true" if e["frozen"]["answer"] else "false"] for e in snapshot}


def build_first_edition(monkeypatch, create_unit, create_user, create_position, root_unit):
    """A first-edition installation in use (see the module docstring); returns its people."""
    with monkeypatch.context() as first_edition:
        first_edition.setattr(framework_service, "DEFAULT_FRAMEWORKS", FIRST_EDITION_FRAMEWORKS)
        ensure_default_frameworks()
    codes = {c.code: c for c in _db.session.scalars(select(Competency))}
    positions = {code: create_position(code) for code in ("OFF-CLR", "TEAM-LEAD", "TRAINER")}
    for code, position in positions.items():
        profile = dict(FIRST_EDITION_PROFILES[code])
        if code == "TEAM-LEAD":
            profile["P-MGT"] = 3  # HR raised it: no longer the default profile
        for competency, level in profile.items():
            _db.session.add(
                PositionRequirement(
                    position_id=position.id,
                    competency_id=codes[competency].id,
                    required_level=level,
                    mandatory=competency in FIRST_EDITION_MANDATORY,
                )
            )
    ensure_principles()
    centre = create_unit("NTC", parent=root_unit, kind="training_centre")
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=centre)
    course = authored_courses.create_course(
        authored_courses.CourseDetails("INT-1", "Integrity at work", "The code of conduct."),
        training_unit_id=centre.id,
    )
    module = structure.add_module(course, "Gifts", ["P-INT"], ["P-INT", "INT-COC", "MGT-BUS"])
    quiz = quizzes.add_quiz(module, "Integrity assessment", quizzes.QuizSettings())
    for code, level in (("INT-COC", 2), ("P-INT", 1), ("MGT-BUS", 1)):
        for n in range(3):
            save_question(course, None, statement(code, level, n))
    _db.session.refresh(course)
    publishing.set_status(course, "published")
    task_course = authored_courses.create_course(
        authored_courses.CourseDetails("TRN-1", "Designing a module", "A task."),
        training_unit_id=centre.id,
    )
    task_item = tasks.add_task(
        structure.add_module(task_course, "M", ["P-CIM"], ["MGT-BUS"]),
        "Task: place a module in the business",
        "## The brief\n\nSay which process the module serves.",
        tasks.TaskSettings(),
    )
    tasks.add_criterion(
        task_item.task,
        tasks.CriterionInput("Places the module", "MGT-BUS", {"2": "Names the process."}),
    )
    create_curriculum(
        CurriculumDetails(
            "Integrity path",
            "Integrity first.",
            (CurriculumEntry(course.id),),
            competency_codes=("INT-COC", "P-INT"),
        ),
        actor=trainer,
    )
    _db.session.commit()

    people = {
        name: create_user(f"{name}@customs.example", position=positions["OFF-CLR"])
        for name in ("alice", "bob", "carol", "dan", "erin")
    }
    # alice passes the assessment: quiz evidence, levels, the course completed, a certificate.
    attempt = attempt_service.start_attempt(people["alice"].id, quiz)
    attempt_service.submit_attempt(
        people["alice"].id, attempt.id, answer_all_right(attempt.snapshot)
    )
    _db.session.commit()
    request = _db.session.scalar(
        select(CertificateRequest).where(CertificateRequest.user_id == people["alice"].id)
    )
    issue(request.id)
    # Trainers' ratings: bob leads (INT-LEAD 3); carol already holds P-INT 3 and INT-COC 2.
    add_manual_rating(people["bob"].id, codes["INT-LEAD"].id, 3, "Led", rated_by_id=trainer.id)
    add_manual_rating(people["carol"].id, codes["P-INT"].id, 3, "Case", rated_by_id=trainer.id)
    add_manual_rating(people["carol"].id, codes["INT-COC"].id, 2, "Brief", rated_by_id=trainer.id)
    # dan's INT-AUD rating is 30 months old: lapsed under the Arusha framework's 24 months.
    _db.session.add(
        Evidence(
            user_id=people["dan"].id,
            competency_id=codes["INT-AUD"].id,
            level=2,
            source="manual",
            rated_by_id=trainer.id,
            note="Old workshop",
            created_at=utcnow() - timedelta(days=30 * 30),
        )
    )
    _db.session.flush()
    rebuild_current_levels()
    # erin starts the assessment before the upgrade and hands it in after it.
    people["erin_attempt"] = attempt_service.start_attempt(people["erin"].id, quiz)
    _db.session.commit()
    return people, quiz, positions


def levels_of(user_id: int) -> dict[str, int]:
    return dict(
        _db.session.execute(
            select(Competency.code, CurrentLevel.level)
            .join(Competency, Competency.id == CurrentLevel.competency_id)
            .where(CurrentLevel.user_id == user_id)
        ).all()
    )


def records() -> dict[str, list[tuple]]:
    """Every attempt, evidence row and certificate, as plain values."""
    return {
        "attempts": _db.session.execute(
            select(
                Attempt.id, Attempt.snapshot, Attempt.results, Attempt.score, Attempt.status
            ).order_by(Attempt.id)
        ).all(),
        "evidence": _db.session.execute(
            select(
                Evidence.id,
                Evidence.user_id,
                Evidence.competency_id,
                Evidence.level,
                Evidence.source,
                Evidence.created_at,
                Evidence.note,
            ).order_by(Evidence.id)
        ).all(),
        "certificates": _db.session.execute(
            select(Certificate.id, Certificate.competencies, Certificate.credential)
        ).all(),
    }


def requirements_of(position) -> dict[str, tuple[int, bool]]:
    return {
        r.competency.code: (r.required_level, r.mandatory)
        for r in _db.session.scalars(
            select(PositionRequirement).where(PositionRequirement.position_id == position.id)
        )
    }


@pytest.fixture
def upgraded(db, runner, monkeypatch, create_unit, create_user, create_position, root_unit):
    people, quiz, positions = build_first_edition(
        monkeypatch, create_unit, create_user, create_position, root_unit
    )
    before = records()
    levels_before = {name: levels_of(p.id) for name, p in people.items() if name != "erin_attempt"}
    result = runner.invoke(args=["frameworks", "load-defaults"])
    assert result.exit_code == 0, result.output
    return people, quiz, positions, before, levels_before, result.output


def test_every_record_is_kept_and_levels_are_intact_or_carried(upgraded):
    people, _, _, before, levels_before, output = upgraded
    after = records()
    assert after["attempts"] == before["attempts"]
    assert after["certificates"] == before["certificates"]  # signed documents as issued
    assert before["certificates"] and "Code of conduct" in str(before["certificates"][0][1])
    old_ids = {row[0] for row in before["evidence"]}
    assert [row for row in after["evidence"] if row[0] in old_ids] == before["evidence"]
    mapped = [row for row in after["evidence"] if row[0] not in old_ids]
    # alice: INT-COC 2 and MGT-BUS 1; bob: INT-LEAD 3; carol: INT-COC 2. dan's lapsed level: none.
    assert sorted((r[1], r[3], r[4]) for r in mapped) == sorted(
        [
            (people["alice"].id, 2, "mapped"),
            (people["alice"].id, 1, "mapped"),
            (people["bob"].id, 3, "mapped"),
            (people["carol"].id, 2, "mapped"),
        ]
    )
    assert all("INT-" in r[6] or "MGT-BUS" in r[6] for r in mapped)
    assert "4 officers' levels carried" in output

    for name in ("alice", "bob", "carol", "dan"):
        now = levels_of(people[name].id)
        # Every first-edition level is still there (retired ones included, for their history),
        # the same or raised by a level carried to it.
        for code, level in levels_before[name].items():
            assert now[code] >= level, (name, code)
            if code not in {s.successor for s in SUCCESSIONS}:
                assert now[code] == level, (name, code)
    assert levels_of(people["alice"].id)["P-INT"] == 2  # the higher of P-INT 1 and INT-COC 2
    assert levels_of(people["alice"].id)["OPS-BUS"] == 1
    assert levels_of(people["bob"].id)["MGT-PPL"] == 3
    assert levels_of(people["carol"].id)["P-INT"] == 3  # already higher: stays
    assert "P-ACC" not in levels_of(people["dan"].id)


def test_retired_competencies_are_recorded_hidden_and_their_uses_moved(upgraded):
    _, _, positions, _, _, _ = upgraded
    successions = {s.retired_code: s for s in _db.session.scalars(select(CompetencySuccession))}
    assert {code: s.successor_code for code, s in successions.items()} == {
        s.retired: s.successor for s in SUCCESSIONS
    }
    assert successions["INT-COC"].levels_carried == 2 and successions["INT-COC"].reason
    retired = set(
        _db.session.scalars(select(Competency.code).where(Competency.retired_at.is_not(None)))
    )
    assert retired == RETIRED
    assert [f.code for f in list_frameworks()] == [
        "RKC-PRINCIPLES",
        "CUSTOMS-OPS",
        "PROFESSIONAL",
        "PICARD-MGT",
    ]
    assert list_frameworks()[0].name == "Core values and reform principles"
    assert _db.session.scalar(
        select(Framework.retired_at).where(Framework.code == "ARUSHA-INTEGRITY")
    )
    # Untouched first-edition profiles become the second edition's; HR's are moved. The report
    # names each position once: replaced, or left as HR set it.
    assert {c: lv for c, (lv, _) in requirements_of(positions["OFF-CLR"]).items()} == (
        default_profile("OFF-CLR")
    )
    output = upgraded[5]
    replaced = next(line for line in output.splitlines() if "given the second" in line)
    assert "OFF-CLR" in replaced and "TEAM-LEAD" not in replaced
    kept = next(line for line in output.splitlines() if "left as they are" in line)
    assert "TEAM-LEAD" in kept and "OFF-CLR" not in kept
    lead = requirements_of(positions["TEAM-LEAD"])
    assert lead["MGT-PPL"] == (2, False) and lead["P-INT"] == (2, True) and lead["P-MGT"][0] == 3
    assert not RETIRED & set(lead)
    # Course tags, rubric criteria and curricula name the successors.
    assert sorted(_db.session.scalars(select(ModuleCompetency.competency_code))) == [
        "OPS-BUS",
        "OPS-BUS",
        "P-INT",
    ]
    assert not RETIRED & set(_db.session.scalars(select(Question.competency_code)))
    assert set(_db.session.scalars(select(RubricCriterion.competency_code))) == {"OPS-BUS"}
    assert _db.session.scalar(select(Curriculum)).competency_codes == ["P-INT"]


def test_an_attempt_started_before_the_upgrade_evidences_the_successors(upgraded):
    people, _, _, _, _, _ = upgraded
    attempt = people["erin_attempt"]
    attempt_service.submit_attempt(
        people["erin"].id, attempt.id, answer_all_right(attempt.snapshot)
    )
    _db.session.commit()
    assert {q["competency_code"] for q in attempt.snapshot} >= {"INT-COC", "MGT-BUS"}  # as drawn
    assert levels_of(people["erin"].id) == {"P-INT": 2, "OPS-BUS": 1}


def test_running_the_upgrade_again_changes_nothing(upgraded, runner):
    before = records()
    counts = _db.session.scalar(select(func.count()).select_from(PositionRequirement))

    again = runner.invoke(args=["frameworks", "load-defaults"])

    assert again.exit_code == 0, again.output
    assert again.output.startswith("Nothing to load"), again.output
    assert records() == before
    assert _db.session.scalar(select(func.count()).select_from(PositionRequirement)) == counts
    alone = runner.invoke(args=["competencies", "upgrade-model"])
    assert alone.output.startswith("Nothing to upgrade"), alone.output


def test_a_fresh_install_loads_no_retired_competency(db, runner):
    result = runner.invoke(args=["frameworks", "load-defaults"])

    assert result.exit_code == 0, result.output
    codes = set(_db.session.scalars(select(Competency.code)))
    assert not RETIRED & codes and {"OPS-EXA", "PRO-DAT", "MGT-PPL"} <= codes
    assert _db.session.scalar(select(func.count()).select_from(CompetencySuccession)) == 0
    assert _db.session.scalar(select(func.count()).select_from(CourseItem)) == 0


def test_pages_and_exports_show_the_second_edition_only(upgraded, client, login_as, create_user):
    people = upgraded[0]
    _db.session.commit()
    hr = login_as(create_user("hr@customs.example", roles=("hr",)))
    pages = {
        url: hr.get(url).get_data(as_text=True)
        for url in (
            "/frameworks/",
            "/matrix",
            "/matrix/export.csv",
            f"/profile/{people['alice'].id}",
            "/positions",
            f"/positions/{people['alice'].position_id}/requirements",
        )
    }
    picard = _db.session.scalar(select(Framework).where(Framework.code == "PICARD-MGT"))
    pages["csv"] = hr.get(f"/frameworks/{picard.id}/export.csv").get_data(as_text=True)
    profile = pages.pop(f"/profile/{people['alice'].id}")
    for url, text in pages.items():
        assert "INT-COC" not in text and "MGT-BUS" not in text and "Arusha" not in text, url
    assert "Professional" in pages["/frameworks/"]
    # The profile has no line for a retired competency; its level says where it came from.
    assert '<span class="code">P-INT</span>' in profile
    assert '<span class="code">INT-COC</span>' not in profile
    assert '<span class="code">MGT-BUS</span>' not in profile
    assert "Carried from a retired competency: Level 2 in INT-COC (Code of conduct)" in profile
    assert "carried from MGT-BUS, retired" in profile
    assert "OPS-BUS" in pages["/matrix/export.csv"] and "MGT-PPL" in pages["csv"]
    # A credential's link to a retired competency still answers, and says what became of it.
    public = client.get("/competencies/INT-COC")
    assert public.status_code == 200
    assert "P-INT carries it on" in public.get_data(as_text=True)
