"""Required levels per job position: HR sets them, every change is audit-logged, a bad value
changes nothing, and only HR and administrators may touch them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competencies.models import PositionRequirement
from competencies.services.requirements import (
    RequirementChoice,
    requirements_of,
    save_requirements,
)
from lms.audit.models import AuditEntry
from lms.errors import ValidationError
from tests.competencies.gap_world import REQUIRED, get_ok, row_of, text_of
from tests.conftest import csrf_token_from


def saved(world) -> dict[str, tuple[int, bool]]:
    by_id = {c.id: code for code, c in world.competencies.items()}
    return {
        by_id[row.competency_id]: (row.required_level, row.mandatory)
        for row in requirements_of(world.position.id).values()
    }


def audit_entries(db) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.like("requirement.%"))
            .order_by(AuditEntry.id)
        )
    )


def post_requirements(client, world, data: dict[str, str]):
    url = f"/positions/{world.position.id}/requirements"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_hr_sets_changes_and_removes_required_levels(world, client, login_as, db):
    login_as(world.hr_north)
    c = world.competencies
    page = get_ok(client, f"/positions/{world.position.id}/requirements")
    # Grouped by framework, the saved level selected, mandatory ticked where it is.
    assert "Management (PICARD)" in page
    assert 'value="2" selected>2 · Trained' in row_of(page, 'name="level-{}"'.format(c["P-STD"].id))
    assert "checked" not in row_of(page, 'name="mandatory-{}"'.format(c["OPS-TAR"].id))

    response = post_requirements(
        client,
        world,
        {
            f"level-{c['P-STD'].id}": "3",  # raised, stays mandatory
            f"mandatory-{c['P-STD'].id}": "y",
            f"level-{c['P-INT'].id}": "2",  # unchanged
            f"mandatory-{c['P-INT'].id}": "y",
            f"level-{c['OPS-TAR'].id}": "0",  # no longer required
            f"level-{c['OPS-VAL'].id}": "1",  # newly required, optional
        },
    )
    assert response.status_code == 302
    assert saved(world) == {"P-STD": (3, True), "P-INT": (2, True), "OPS-VAL": (1, False)}
    entries = audit_entries(db)
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("requirement.set", world.hr_north.id, world.position.id),
        ("requirement.removed", world.hr_north.id, world.position.id),
        ("requirement.set", world.hr_north.id, world.position.id),
    ]
    assert entries[0].before == {"competency": "P-STD", "required_level": 2, "mandatory": True}
    assert entries[0].after == {"competency": "P-STD", "required_level": 3, "mandatory": True}
    assert entries[1].after is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 set or changed, 1 removed" in page


@pytest.mark.parametrize(
    "bad, message",
    [
        ("9", "must be 0 (not required) to 4; 9 was given"),
        ("-1", "must be 0 (not required) to 4; -1 was given"),
        ("two", "“two” is not a level"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_saved(world, client, login_as, db, bad, message):
    login_as(world.admin)
    c = world.competencies
    response = post_requirements(
        client,
        world,
        {
            f"level-{c['P-STD'].id}": "4",  # valid, but must not be saved with the bad one
            f"level-{c['P-INT'].id}": bad,
        },
    )
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "Nothing was saved" in text and message in text
    assert saved(world) == REQUIRED
    assert audit_entries(db) == []


def test_an_unknown_competency_is_refused(world, client, login_as, db):
    login_as(world.hr_north)
    response = post_requirements(
        client, world, {"level-999999": "2", f"level-{world.competencies['P-STD'].id}": "1"}
    )
    assert "There is no competency with id 999999." in response.get_data(as_text=True)
    assert saved(world) == REQUIRED


def test_officers_and_trainers_cannot_see_or_change_requirements(world, app, login_as, db):
    for user in (world.officer, world.trainer):
        browser = app.test_client()
        login_as(user, on=browser)
        url = f"/positions/{world.position.id}/requirements"
        assert browser.get("/positions").status_code == 403
        assert browser.get(url).status_code == 403
        token = csrf_token_from(browser.get("/me").get_data(as_text=True))
        level = f"level-{world.competencies['P-STD'].id}"
        assert browser.post(url, data={level: "4", "csrf_token": token}).status_code == 403
    assert saved(world) == REQUIRED


def test_positions_list_counts_requirements(world, client, login_as):
    login_as(world.hr_north)
    page = get_ok(client, "/positions")
    assert "3" in text_of(row_of(page, "Customs officer (clearance)"))
    assert client.get("/positions/999999/requirements").status_code == 404


def test_service_sets_one_requirement_and_refuses_duplicates(world, db):
    c = world.competencies
    choice = [RequirementChoice(c["OPS-ORI"].id, 2, False)]
    changes = save_requirements(world.position, choice, actor_id=None)
    assert (changes.saved, changes.removed) == (1, 0)
    assert save_requirements(world.position, choice, actor_id=None).total == 0
    with pytest.raises(ValidationError, match="only once"):
        save_requirements(
            world.position,
            [RequirementChoice(c["P-STD"].id, 1), RequirementChoice(c["P-STD"].id, 2)],
            actor_id=None,
        )
    count = db.session.scalar(
        select(func.count())
        .select_from(PositionRequirement)
        .where(PositionRequirement.position_id == world.position.id)
    )
    assert count == 4
