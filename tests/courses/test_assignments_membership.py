"""Issue 5, done-when 2: assignments follow the organisation. An officer moved into the office
after the assignment gets it; one moved out no longer has it open (a completed one is kept).
The same holds for positions, sub-units, accounts created one by one or imported from CSV,
and deactivated accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from courses.assignments.models import MembershipStatus, TargetKind
from lms.accounts import services as accounts
from lms.accounts.imports import confirm_import, create_import, run_import
from lms.accounts.models import User
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import (
    assign,
    complete_course,
    membership,
    statuses_of,
    today,
)

OPEN, COMPLETED, WITHDRAWN = (s.value for s in MembershipStatus)


@pytest.fixture
def org(create_unit, root_unit):
    region = create_unit("R-CST", name="Coastal Region", parent=root_unit, kind="region")
    return {
        "region": region,
        "port": create_unit("HGP", name="Harbour Gate Port", parent=region),
        "airport": create_unit("CAC", name="Airport Cargo Office", parent=region),
        "inland": create_unit("EDP", name="Eastfield Dry Port", parent=root_unit),
    }


@pytest.fixture
def trainer(create_user, training_unit):
    return create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)


@pytest.fixture
def admin(create_user):
    return create_user("admin@customs.example", roles=("admin",))


def move(user, admin, *, unit=None, position=None, keep_position=True):
    """Change an officer's unit and/or position as the admin's edit page does."""
    details = accounts.UserDetails(
        user.email,
        user.full_name,
        user.service_number,
        (unit or user.unit).id,
        position.id if position else (user.position_id if keep_position else None),
    )
    accounts.update_user(user, details, actor_id=admin.id)
    db.session.commit()


def test_an_officer_moved_in_gets_the_assignment_and_one_moved_out_loses_it_open(
    db, org, trainer, admin, create_user, create_course
):
    stays = create_user("stays@customs.example", unit=org["port"])
    leaves = create_user("leaves@customs.example", unit=org["port"])
    finisher = create_user("finisher@customs.example", unit=org["port"])
    joins = create_user("joins@customs.example", unit=org["inland"])
    course = create_course()
    assignment = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["port"].id
    )
    complete_course(finisher.id, course)
    assert statuses_of(assignment) == {stays.id: OPEN, leaves.id: OPEN, finisher.id: COMPLETED}

    move(joins, admin, unit=org["port"])
    move(leaves, admin, unit=org["inland"])
    move(finisher, admin, unit=org["inland"])

    assert statuses_of(assignment) == {
        stays.id: OPEN,
        joins.id: OPEN,
        leaves.id: WITHDRAWN,
        finisher.id: COMPLETED,  # their record is kept
    }
    joined = membership(assignment, joins)
    assert joined.due_on == assignment.due_date
    assert joined.assigned_at.date() == today()
    assert membership(assignment, leaves).withdrawn_at is not None


def test_moving_back_reopens_the_assignment_with_a_new_due_date(
    db, org, trainer, admin, create_user, create_course
):
    officer = create_user(unit=org["port"])
    course = create_course()
    assignment = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["port"].id, due_days=14
    )
    move(officer, admin, unit=org["inland"])
    assert membership(assignment, officer).status == WITHDRAWN
    move(officer, admin, unit=org["port"])
    back = membership(assignment, officer)
    assert (back.status, back.withdrawn_at) == (OPEN, None)
    assert back.due_on == today() + timedelta(days=14)


def test_sub_units_count_only_when_the_assignment_includes_them(
    db, org, trainer, admin, create_user, create_course
):
    course = create_course()
    with_subunits = assign(
        trainer,
        target_kind="unit",
        course_id=course.course.id,
        unit_id=org["region"].id,
        include_subunits=True,
    )
    region_only = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["region"].id
    )
    officer = create_user(unit=org["inland"])
    move(officer, admin, unit=org["airport"])
    assert membership(with_subunits, officer).status == OPEN
    assert membership(region_only, officer) is None
    # Moving within the region keeps the open assignment as it was.
    first = membership(with_subunits, officer).assigned_at
    move(officer, admin, unit=org["port"])
    assert membership(with_subunits, officer).assigned_at == first


def test_a_position_assignment_follows_who_holds_the_position(
    db, org, trainer, admin, create_user, create_position, create_course
):
    enforcement = create_position("OFF-ENF", "Customs officer (enforcement)")
    clearance = create_position("OFF-CLR", "Customs officer (clearance)")
    holder = create_user(unit=org["port"], position=enforcement)
    other = create_user(unit=org["port"], position=clearance)
    course = create_course()
    assignment = assign(
        trainer, target_kind="position", course_id=course.course.id, position_id=enforcement.id
    )
    assert statuses_of(assignment) == {holder.id: OPEN}
    move(other, admin, position=enforcement)
    move(holder, admin, position=clearance)
    assert statuses_of(assignment) == {holder.id: WITHDRAWN, other.id: OPEN}


def test_new_accounts_created_or_imported_into_the_unit_get_it(
    db, org, trainer, admin, create_course
):
    course = create_course()
    assignment = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["port"].id
    )
    created = accounts.create_user(
        accounts.UserDetails("new@customs.example", "New Officer", "SN-NEW", org["port"].id, None),
        ["officer"],
        actor_id=admin.id,
    )
    not_officer = accounts.create_user(
        accounts.UserDetails("hr2@customs.example", "New HR", "SN-HR2", org["port"].id, None),
        ["hr"],
        actor_id=admin.id,
    )
    db.session.commit()
    csv_text = "email,full_name,service_number,unit_code,position_code,roles\n" + "".join(
        f"imp{n}@customs.example,Imported {n},IMP-{n},{code},,officer\n"
        for n, code in enumerate(["HGP", "HGP", "EDP"])
    )
    user_import, check = create_import(csv_text, "staff.csv", actor_id=admin.id, max_rows=100)
    assert check.ok, check.errors
    confirm_import(user_import)
    db.session.commit()
    run_import(user_import.id, commit=db.session.commit, max_rows=100)

    members = statuses_of(assignment)
    assert members[created.id] == OPEN
    assert not_officer.id not in members  # assignments are for officers
    imported = {u.email: u.id for u in user_import_users(user_import.id)}
    assert members[imported["imp0@customs.example"]] == OPEN
    assert members[imported["imp1@customs.example"]] == OPEN
    assert imported["imp2@customs.example"] not in members


def user_import_users(import_id: int) -> list[User]:
    return db.session.scalars(select(User).where(User.import_id == import_id)).all()


def test_deactivation_and_losing_the_officer_role_withdraw_even_named_assignments(
    db, org, trainer, admin, create_user, create_course
):
    named = create_user(unit=org["port"])
    course = create_course()
    assignment = assign(
        trainer,
        target_kind=TargetKind.OFFICERS.value,
        course_id=course.course.id,
        officer_ids=(named.id,),
    )
    move(named, admin, unit=org["inland"])  # a named officer keeps theirs when moving
    assert membership(assignment, named).status == OPEN
    accounts.set_active(named, False, actor_id=admin.id)
    db.session.commit()
    assert membership(assignment, named).status == WITHDRAWN
    accounts.set_active(named, True, actor_id=admin.id)
    db.session.commit()
    assert membership(assignment, named).status == OPEN
    accounts.set_roles(named, {"trainer"}, actor_id=admin.id)
    db.session.commit()
    assert membership(assignment, named).status == WITHDRAWN


def test_moving_an_officer_on_the_admin_page_updates_their_assignments(
    client, db, org, trainer, admin, create_user, login_as, create_course
):
    officer = create_user("moved@customs.example", unit=org["inland"], full_name="Moved Officer")
    course = create_course()
    assignment = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["port"].id
    )
    login_as(admin)
    page = client.get(f"/admin/users/{officer.id}")
    response = client.post(
        f"/admin/users/{officer.id}",
        data={
            "email": officer.email,
            "full_name": officer.full_name,
            "service_number": officer.service_number,
            "unit_id": str(org["port"].id),
            "position_id": "0",
            "roles": "officer",
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert membership(assignment, officer).status == OPEN


def test_officers_who_already_completed_the_content_are_assigned_it_completed(
    db, org, trainer, create_user, create_course
):
    done, fresh = create_user(unit=org["port"]), create_user(unit=org["port"])
    course = create_course()
    complete_course(done.id, course)
    assignment = assign(
        trainer, target_kind="unit", course_id=course.course.id, unit_id=org["port"].id
    )
    assert statuses_of(assignment) == {done.id: COMPLETED, fresh.id: OPEN}
    assert membership(assignment, done).completed_at is not None
