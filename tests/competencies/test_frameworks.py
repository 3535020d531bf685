"""Default frameworks, and editing frameworks and competencies (services and pages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competencies.models import Competency, CurrentLevel, Framework, PositionRequirement
from competencies.rules import demonstration_rule
from competencies.services.competency_tree import (
    CompetencyDetails,
    competency_tree,
    save_competency,
)
from competencies.services.evidence import NewEvidence, append_evidence
from competencies.services.frameworks import (
    FrameworkSettings,
    competencies_by_code,
    ensure_default_frameworks,
    update_framework,
)
from courses.learning.models import Course, Module, ModuleCompetency
from lms.audit.models import AuditEntry
from lms.errors import Conflict, ValidationError
from tests.lms.browsing import submit, text_of

CATALOGUE_README = Path(__file__).parents[2] / "courses" / "catalogue" / "README.md"


def readme_codes() -> set[str]:
    codes_section = CATALOGUE_README.read_text(encoding="utf-8").split("## Codes", 1)[1]
    in_use = codes_section.split("Retired by the second edition", 1)[0]
    return set(re.findall(r"\b(?:P|OPS|PRO|MGT)-[A-Z]+\b", in_use))


def counts(db) -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Framework.id))),
        db.session.scalar(select(func.count(Competency.id))),
        db.session.scalar(
            select(func.count()).select_from(Competency.principles.property.secondary)
        ),
    )


def test_default_frameworks_load_once_with_every_documented_code(db):
    first = ensure_default_frameworks()
    db.session.commit()
    loaded = counts(db)
    again = ensure_default_frameworks()
    db.session.commit()
    assert counts(db) == loaded
    assert (
        [f.code for f in again]
        == [f.code for f in first]
        == ["RKC-PRINCIPLES", "CUSTOMS-OPS", "PROFESSIONAL", "PICARD-MGT"]
    )
    assert [f.name for f in first] == [
        "Core values and reform principles",
        "Operational",
        "Professional",
        "Management (PICARD)",
    ]
    codes = readme_codes()
    assert len(codes) == 14 + 14 + 2 + 13
    # A fresh install holds exactly the documented codes: no Arusha factor, no MGT-BUS.
    assert codes == set(competencies_by_code())
    for competency in competencies_by_code().values():
        assert competency.principles, f"{competency.code} serves no reform principle"
        assert competency.retired_at is None and competency.depth == 0


def test_integrity_is_written_from_a_code_of_conduct(db):
    ensure_default_frameworks()
    integrity = competencies_by_code({"P-INT"})["P-INT"].description
    for duty in ("gifts", "hospitality", "interest", "reports misconduct", "confidential"):
        assert duty in integrity
    assert "impartially" in integrity


def test_every_reform_principle_has_its_own_competency(db):
    ensure_default_frameworks()
    principles = next(f for f in ensure_default_frameworks() if f.code == "RKC-PRINCIPLES")
    assert {c.code for c in principles.competencies} == {
        code for code in readme_codes() if code.startswith("P-")
    }


# --- Services -----------------------------------------------------------------------------------


def settings_of(framework: Framework, **changes) -> FrameworkSettings:
    values = {
        "name": framework.name,
        "description": framework.description,
        "scale": tuple(framework.scale),
        "proficient_level": framework.proficient_level,
        "level_policy": framework.level_policy,
        "validity_months": framework.validity_months,
        "min_questions_per_level": framework.min_questions_per_level,
    }
    return FrameworkSettings(**{**values, **changes})


@pytest.fixture
def frameworks(db) -> dict[str, Framework]:
    loaded = {f.code: f for f in ensure_default_frameworks()}
    db.session.commit()
    return loaded


def test_update_framework_records_before_and_after(db, frameworks, create_user):
    hr = create_user(roles=("hr",))
    ops = frameworks["CUSTOMS-OPS"]
    change = update_framework(
        ops,
        settings_of(
            ops, name=" Operational skills ", scale=("Novice", "Able", "Skilled", "Master")
        ),
        actor_id=hr.id,
    )
    db.session.commit()
    assert change.changed and change.levels_rebuilt is None
    assert (ops.name, ops.scale) == ("Operational skills", ["Novice", "Able", "Skilled", "Master"])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "framework.updated"))
    assert entry.actor_id == hr.id and entry.target_id == ops.id
    assert entry.before["scale"][0] == "Aware" and entry.after["scale"][0] == "Novice"
    # Saving the same again changes nothing and logs nothing.
    assert not update_framework(ops, settings_of(ops), actor_id=hr.id).changed
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"scale": ("Only",)}, "2 to 10 levels"),
        ({"scale": ("Aware", "Aware", "Expert")}, "is repeated"),
        ({"scale": ("Aware", "", "Expert")}, "needs a name"),
        ({"scale": ("Aware", "Trained, certified")}, "commas"),
        ({"proficient_level": 5}, "1 to 4"),
        ({"level_policy": "average"}, "Unknown level policy"),
        ({"level_policy": "highest_valid", "validity_months": None}, "needs a validity"),
        ({"level_policy": "highest_valid", "validity_months": 0}, "1 to 240"),
        ({"level_policy": "latest", "validity_months": 12}, "applies only"),
        ({"min_questions_per_level": 0}, "per level are 1 to 20, not 0"),
        ({"min_questions_per_level": 21}, "per level are 1 to 20, not 21"),
    ],
)
def test_bad_framework_settings_are_refused(db, frameworks, changes, message):
    ops = frameworks["CUSTOMS-OPS"]
    before = (ops.name, list(ops.scale), ops.proficient_level, ops.level_policy)
    with pytest.raises(ValidationError, match=message):
        update_framework(ops, settings_of(ops, **changes), actor_id=None)
    db.session.rollback()
    assert (ops.name, list(ops.scale), ops.proficient_level, ops.level_policy) == before


def test_the_scale_cannot_drop_levels_that_are_in_use(db, frameworks, create_user, create_position):
    officer = create_user()
    valuation = competencies_by_code({"OPS-VAL"})["OPS-VAL"]
    db.session.add(
        PositionRequirement(
            position_id=create_position("VAL").id, competency_id=valuation.id, required_level=3
        )
    )
    db.session.commit()
    ops = frameworks["CUSTOMS-OPS"]
    with pytest.raises(ValidationError, match="at least 3 levels"):
        update_framework(ops, settings_of(ops, scale=("Aware", "Trained")), actor_id=None)
    db.session.rollback()
    append_evidence([NewEvidence(officer.id, valuation, 4, "quiz")])
    with pytest.raises(ValidationError, match="at least 4 levels"):
        update_framework(
            ops, settings_of(ops, scale=("Aware", "Trained", "Advanced")), actor_id=None
        )


def test_a_new_n_applies_from_now_on_and_is_audited(db, frameworks, create_user):
    officer = create_user()
    tariff = competencies_by_code({"OPS-TAR"})["OPS-TAR"]
    append_evidence([NewEvidence(officer.id, tariff, 2, "quiz")])
    db.session.commit()
    ops = frameworks["CUSTOMS-OPS"]
    for edge in (1, 20):
        change = update_framework(
            ops, settings_of(ops, min_questions_per_level=edge), actor_id=None
        )
        assert change.changed and change.levels_rebuilt is None
        assert ops.min_questions_per_level == edge
    db.session.commit()
    # Evidence already recorded and the level it made stay as they are.
    assert db.session.get(CurrentLevel, (officer.id, tariff.id)).level == 2
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "framework.updated").order_by(AuditEntry.id)
    ).all()
    assert [(e.before["min_questions_per_level"], e.after["min_questions_per_level"])
            for e in entries] == [(3, 1), (1, 20)]  # fmt: skip


def test_a_new_level_rule_recomputes_the_current_levels(db, frameworks, create_user):
    officer = create_user()
    tariff = competencies_by_code({"OPS-TAR"})["OPS-TAR"]
    append_evidence([NewEvidence(officer.id, tariff, 3, "quiz")])
    append_evidence([NewEvidence(officer.id, tariff, 1, "quiz")])
    db.session.commit()
    level = lambda: db.session.get(CurrentLevel, (officer.id, tariff.id)).level  # noqa: E731
    assert level() == 3
    ops = frameworks["CUSTOMS-OPS"]
    change = update_framework(
        ops, settings_of(ops, level_policy="latest", validity_months=None), actor_id=None
    )
    db.session.commit()
    assert change.levels_rebuilt == 1 and level() == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "framework.updated"))
    assert "1 current levels recomputed" in entry.summary


def details(code="OPS-XBR", name="Cross-border e-commerce", parent=None, principles=("P-FAC",)):
    return CompetencyDetails(code, name, "Handles low-value parcels.", parent, principles)


def test_add_and_move_a_competency_with_its_subtree(db, frameworks, create_user):
    hr = create_user(roles=("hr",))
    ops = frameworks["CUSTOMS-OPS"]
    parent = save_competency(ops, None, details(), actor_id=hr.id)
    child = save_competency(
        ops,
        None,
        details("OPS-XBR-DATA", "Parcel data", parent.id, ("P-ICT", "P-FAC")),
        actor_id=hr.id,
    )
    db.session.commit()
    assert [c.code for c in competency_tree(ops)][-2:] == ["OPS-XBR", "OPS-XBR-DATA"]
    assert [p.code for p in child.principles] == ["P-FAC", "P-ICT"]  # principle order
    assert (child.depth, child.path) == (1, f"{parent.path}{child.id}/")

    risk = competencies_by_code({"OPS-RSK"})["OPS-RSK"]
    save_competency(ops, parent, details(parent=risk.id), actor_id=hr.id)
    db.session.commit()
    assert parent.path == f"{risk.path}{parent.id}/" and parent.depth == 1
    assert child.path == f"{parent.path}{child.id}/" and child.depth == 2
    tree = [c.code for c in competency_tree(ops)]
    assert tree.index("OPS-RSK") < tree.index("OPS-XBR") < tree.index("OPS-XBR-DATA")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["competency.created", "competency.created", "competency.updated"]
    moved = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (moved.before["parent"], moved.after["parent"]) == (None, "OPS-RSK")


def test_competency_edits_that_would_break_the_tree_or_codes_are_refused(db, frameworks):
    ops, principles = frameworks["CUSTOMS-OPS"], frameworks["RKC-PRINCIPLES"]
    parent = save_competency(ops, None, details(), actor_id=None)
    child = save_competency(ops, None, details("OPS-XBR-DATA", parent=parent.id), actor_id=None)
    db.session.commit()
    integrity = competencies_by_code({"P-INT"})["P-INT"]
    cases = [
        (ValidationError, "under itself", details(parent=child.id), parent),
        (ValidationError, "under itself", details(parent=parent.id), parent),
        (ValidationError, "same framework", details(parent=integrity.id), parent),
        (Conflict, "already used by Integrity", details(code="P-INT"), parent),
        (ValidationError, "capital letters", details(code="ops xbr"), parent),
        (ValidationError, "Unknown reform principle", details(principles=("P-XXX",)), parent),
        (ValidationError, "needs a name", details(name=" "), None),
    ]
    for error, message, bad, competency in cases:
        with pytest.raises(error, match=message):
            save_competency(ops, competency, bad, actor_id=None)
        db.session.rollback()
    assert (parent.code, parent.parent_id, child.parent_id) == ("OPS-XBR", None, parent.id)
    assert principles.code == "RKC-PRINCIPLES"


def test_a_code_that_courses_use_cannot_change(db, frameworks, root_unit):
    ops = frameworks["CUSTOMS-OPS"]
    competency = save_competency(ops, None, details(), actor_id=None)
    course = Course(code="XBR-101", title="Parcels", training_unit_id=root_unit.id)
    module = Module(course=course, title="Low-value parcels", position=1)
    module.competency_links = [ModuleCompetency(competency_code="OPS-XBR")]
    db.session.add(course)
    db.session.commit()
    with pytest.raises(Conflict, match="1 course module"):
        save_competency(ops, competency, details(code="OPS-PARCEL"), actor_id=None)
    db.session.rollback()
    # The name can still change.
    save_competency(ops, competency, details(name="Parcel trade"), actor_id=None)
    assert competency.name == "Parcel trade"


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def staff(app, create_user, login_as):
    """A signed-in browser per role."""
    return {
        role: login_as(create_user(f"{role}@customs.example", roles=(role,)), on=app.test_client())
        for role in ("officer", "trainer", "hr", "admin")
    }


def test_hr_and_admin_see_the_frameworks_and_their_trees(frameworks, staff):
    ops = frameworks["CUSTOMS-OPS"]
    for role in ("hr", "admin"):
        listing = text_of(staff[role].get("/frameworks/"))
        assert "Management (PICARD)" in listing and "Highest valid" in listing
        assert 'href="/frameworks/"' in text_of(staff[role].get("/me"))  # in the navigation
        tree = text_of(staff[role].get(f"/frameworks/{ops.id}"))
        assert "OPS-VAL" in tree and "Determines customs value" in tree
        assert '<abbr title="Standardization">P-STD</abbr>' in tree
        assert "36 months" in tree


def test_officers_and_trainers_are_refused_every_framework_page(frameworks, staff):
    ops = frameworks["CUSTOMS-OPS"]
    valuation = competencies_by_code({"OPS-VAL"})["OPS-VAL"]
    pages = [
        "/frameworks/",
        f"/frameworks/{ops.id}",
        f"/frameworks/{ops.id}/edit",
        f"/frameworks/{ops.id}/competencies/new",
        f"/frameworks/{ops.id}/competencies/{valuation.id}",
        f"/frameworks/{ops.id}/export.csv",
        "/frameworks/import",
    ]
    for role in ("officer", "trainer"):
        assert 'href="/frameworks/"' not in text_of(staff[role].get("/me"))
        for page in pages:
            assert staff[role].get(page).status_code == 403, (role, page)
        assert submit(staff[role], f"/frameworks/{ops.id}/edit", {"name": "x"}).status_code == 403
        assert submit(staff[role], "/frameworks/import/confirm", {"text": "x"}).status_code == 403


def test_editing_framework_settings_through_the_page(db, frameworks, staff):
    ops = frameworks["CUSTOMS-OPS"]
    form = text_of(staff["hr"].get(f"/frameworks/{ops.id}/edit"))
    assert 'value="Aware, Trained, Advanced, Expert"' in form
    assert "Questions needed per level" in form and 'value="3"' in form
    data = {
        "name": "Operational customs competencies",
        "description": "Updated.",
        "scale": "Aware, Trained, Advanced, Expert",
        "proficient_level": "3",
        "level_policy": "highest_valid",
        "validity_months": "48",
        "min_questions_per_level": "5",
    }
    response = submit(staff["hr"], f"/frameworks/{ops.id}/edit", data)
    assert response.status_code == 302
    shown = text_of(staff["hr"].get(response.location))
    assert "current levels were recomputed" in shown
    assert "at least 5 questions of the competency at the level" in shown
    assert demonstration_rule(5).split(" and ")[0] in shown  # the rule with its N
    db.session.refresh(ops)
    assert (ops.proficient_level, ops.validity_months, ops.description) == (3, 48, "Updated.")
    assert ops.min_questions_per_level == 5

    for wrong in ("0", "21", ""):
        refused = submit(
            staff["admin"], f"/frameworks/{ops.id}/edit", {**data, "min_questions_per_level": wrong}
        )
        assert refused.status_code == 200, wrong
    db.session.refresh(ops)
    assert ops.min_questions_per_level == 5

    bad = submit(staff["admin"], f"/frameworks/{ops.id}/edit", {**data, "level_policy": "latest"})
    assert bad.status_code == 200
    assert "applies only to the &#39;highest valid&#39; policy" in text_of(bad)
    db.session.refresh(ops)
    assert ops.level_policy == "highest_valid"


def test_adding_and_editing_a_competency_through_the_page(db, frameworks, staff):
    ops = frameworks["CUSTOMS-OPS"]
    risk = competencies_by_code({"OPS-RSK"})["OPS-RSK"]
    form = text_of(staff["admin"].get(f"/frameworks/{ops.id}/competencies/new"))
    assert 'value="P-MIN"' in form and "Risk analysis (OPS-RSK)" in form
    response = submit(
        staff["admin"],
        f"/frameworks/{ops.id}/competencies/new",
        {
            "code": "ops-tgt",
            "name": "Targeting",
            "description": "Selects consignments for control.",
            "parent_id": str(risk.id),
            "principles": ["P-MIN", "P-FAC"],
        },
    )
    assert response.status_code == 302
    created = competencies_by_code({"OPS-TGT"})["OPS-TGT"]
    assert created.parent_id == risk.id
    assert [p.code for p in created.principles] == ["P-FAC", "P-MIN"]

    clash = submit(
        staff["hr"],
        f"/frameworks/{ops.id}/competencies/{created.id}",
        {"code": "P-INT", "name": "Targeting", "parent_id": "0"},
    )
    assert clash.status_code == 200 and "already used by Integrity" in text_of(clash)
    assert competencies_by_code({"OPS-TGT"})["OPS-TGT"].parent_id == risk.id
    other = frameworks["RKC-PRINCIPLES"]
    assert staff["hr"].get(f"/frameworks/{other.id}/competencies/{created.id}").status_code == 404
