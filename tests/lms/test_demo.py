"""The demo administration: what `flask demo load` creates, that it loads only once, and that
its logins work. These tests start from an empty database (no root_unit/create_user fixtures)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import url_for
from sqlalchemy import func, select

from lms.accounts.models import User, UserRole
from lms.accounts.passwords import password_problems
from lms.accounts.sessions import authenticate
from lms.audit.models import AuditEntry
from lms.demo import load_demo
from lms.demo_organisation import DEMO_ACCOUNTS, DEMO_PASSWORDS
from lms.demo_roster import ascii_email_part, build_roster, claim_email
from lms.home import home_endpoint_for
from lms.organisation.models import JobPosition, OrgUnit
from lms.organisation.services import UnitDetails, create_unit

POSITION_CODES = {
    "TRAINEE",
    "OFF-CLR",
    "OFF-ENF",
    "RISK",
    "PCA",
    "VAL",
    "TEAM-LEAD",
    "OFF-MGR",
    "SNR-MGR",
    "STRAT-MGR",
    "TRAINER",
    # Added by the second edition of the competency model.
    "INVEST",
    "INTEL",
    "AEO-VAL",
    "CLASS-ORI",
    "PAX",
    "INT-AFF",
    "DATA",
}
FRONT_LINE_KINDS = {"office", "port", "border_post"}


@pytest.fixture
def loaded(db):
    summary = load_demo(fast_hashing=True)
    db.session.commit()
    return summary


def table_counts(db) -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (OrgUnit, JobPosition, User, UserRole, AuditEntry)
    }


def users_with_roles(db) -> Counter:
    """How many users hold exactly each combination of roles ("officer", "officer+trainer")."""
    roles: dict[int, list[str]] = {}
    for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, []).append(role)
    return Counter("+".join(sorted(held)) for held in roles.values())


def user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_loading_builds_the_administration_tree(db, loaded):
    units = list(db.session.scalars(select(OrgUnit)))
    kinds = Counter(unit.kind for unit in units)
    assert kinds["administration"] == 1
    assert kinds["region"] == 3
    assert sum(kinds[kind] for kind in FRONT_LINE_KINDS) >= 8
    assert {kind for kind in FRONT_LINE_KINDS if kinds[kind]} == FRONT_LINE_KINDS
    assert kinds["training_centre"] == 2
    assert kinds["directorate"] == 1

    by_id = {unit.id: unit for unit in units}
    root = next(unit for unit in units if unit.kind == "administration")
    assert root.parent_id is None
    assert root.name == "National Customs Administration"
    for unit in units:
        assert re.fullmatch(r"[A-Z][A-Z0-9-]{1,7}", unit.code), unit.code
        if unit is not root:
            parent = by_id[unit.parent_id]
            assert unit.path == f"{parent.path}{unit.id}/"  # made by create_unit
        if unit.kind == "region":
            assert unit.parent_id == root.id
        if unit.kind in FRONT_LINE_KINDS:
            assert by_id[unit.parent_id].kind == "region"
    # every region has front-line units
    regions_with_offices = {u.parent_id for u in units if u.kind in FRONT_LINE_KINDS}
    assert regions_with_offices == {u.id for u in units if u.kind == "region"}
    centres = {u.name: by_id[u.parent_id].kind for u in units if u.kind == "training_centre"}
    assert centres["National Customs Training Centre"] == "administration"
    assert sorted(centres.values()) == ["administration", "region"]


def test_loading_creates_positions_and_accounts(db, loaded):
    positions = list(db.session.scalars(select(JobPosition)))
    assert {position.code for position in positions} == POSITION_CODES
    assert all(position.title and position.description for position in positions)

    combinations = users_with_roles(db)
    assert 190 <= combinations["officer"] <= 210
    assert combinations["officer+trainer"] == 3
    assert combinations["hr"] == 2
    assert combinations["admin"] == 1

    trainers = [user(db, a.email) for a in DEMO_ACCOUNTS if "trainer" in a.roles]
    assert all(trainer.position.code == "TRAINER" for trainer in trainers)
    assert sorted(trainer.unit.name for trainer in trainers) == [
        "Coastal Regional Training Office",
        "National Customs Training Centre",
        "National Customs Training Centre",
    ]
    assert user(db, "hr@customs.example").unit.kind == "administration"
    assert user(db, "hr.coastal@customs.example").unit.kind == "region"
    assert user(db, "admin@customs.example").unit.kind == "directorate"
    officer = user(db, "officer@customs.example")
    assert officer.roles == {"officer"}
    assert officer.unit.kind in {"port", "border_post"}


def test_generated_officers_look_like_a_real_workforce(db, loaded):
    officers = list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == "officer", User.position_id.is_not(None))
        )
    )
    emails = [officer.email for officer in officers]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.-]+@customs\.example", email) for email in emails)
    numbers = [officer.service_number for officer in officers]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"CA-\d{6}", number) for number in numbers)

    names = {officer.full_name for officer in db.session.scalars(select(User))}
    for name in ("Łukasz Nowak", "Ngozi Okonkwo-Adébáyọ̀", "Thị Hương Nguyễn", "José Álvarez"):
        assert name in names
    assert sum(1 for name in names if not name.isascii()) > 50

    positions = Counter(officer.position.code for officer in officers)
    line_officers = positions["OFF-CLR"] + positions["OFF-ENF"]
    assert line_officers > len(officers) / 2
    for specialist in ("RISK", "PCA", "VAL", "TEAM-LEAD", "TRAINEE"):
        assert 0 < positions[specialist] < line_officers / 2
    front_line = select(OrgUnit).where(OrgUnit.kind.in_(FRONT_LINE_KINDS))
    for unit in db.session.scalars(front_line):
        staff = [officer for officer in officers if officer.unit_id == unit.id]
        managers = [o for o in staff if o.position.code == "OFF-MGR"]
        assert len(managers) == 1, unit.code
        assert any(o.position.code == "TEAM-LEAD" for o in staff), unit.code


def test_a_second_load_adds_nothing_and_says_so(db, loaded):
    before = table_counts(db)
    assert "Nothing new" not in loaded.report()

    again = load_demo(fast_hashing=True)
    db.session.commit()

    assert table_counts(db) == before
    assert not again.added_anything
    assert "Nothing new loaded" in again.report()


def test_load_adds_only_what_is_missing(db, loaded):
    before = table_counts(db)
    db.session.delete(user(db, "trainer2@customs.example"))
    db.session.commit()

    summary = load_demo(fast_hashing=True)
    db.session.commit()

    assert (summary.units_added, summary.positions_added, summary.accounts_added) == (0, 0, 1)
    after = table_counts(db)
    assert after["User"] == before["User"]
    assert after["OrgUnit"] == before["OrgUnit"]


def test_demo_joins_an_administration_that_already_exists(db):
    own_root = create_unit(
        UnitDetails("NCA", "Our Customs Service", "administration", None), actor_id=None
    )
    db.session.commit()

    load_demo(fast_hashing=True)
    db.session.commit()

    roots = list(db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))))
    assert roots == [own_root]
    assert user(db, "hr@customs.example").unit_id == own_root.id
    regions = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == "region"))
    assert {region.parent_id for region in regions} == {own_root.id}


def test_every_demo_login_passes_the_policy_and_authenticates(app, db, loaded):
    assert {login.email for login in loaded.logins} == {a.email for a in DEMO_ACCOUNTS}
    assert len(set(DEMO_PASSWORDS.values())) == len(DEMO_PASSWORDS)
    for login in loaded.logins:
        account = user(db, login.email)
        assert len(login.password) >= 12
        assert (
            password_problems(login.password, email=account.email, full_name=account.full_name)
            == []
        )
        outcome = authenticate(
            login.email,
            login.password,
            remote_addr="127.0.0.1",
            max_failures=app.config["LOGIN_MAX_FAILURES"],
            window_seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"],
        )
        assert outcome.succeeded, login.email
        assert outcome.user.roles == set(login.roles)

    generated = build_roster()[0]
    outcome = authenticate(
        generated.email,
        DEMO_PASSWORDS["officer"],
        remote_addr="127.0.0.1",
        max_failures=10,
        window_seconds=900,
    )
    assert outcome.succeeded


def test_demo_logins_land_on_their_home_pages(app, db, loaded, login_as):
    coastal = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "Coastal Region"))
    coastal_headcount = db.session.scalar(
        select(func.count(User.id))
        .join(OrgUnit, User.unit_id == OrgUnit.id)
        .where(OrgUnit.path.startswith(coastal.path))
    )
    total = table_counts(db)["User"]
    assert coastal_headcount < total
    # What each kind of user should see on arrival, where the page shows it.
    expected_text = {
        "admin@customs.example": f"{total} active accounts",
        "hr@customs.example": f"{total} people",
        "hr.coastal@customs.example": f"{coastal_headcount} people",
    }
    for login in loaded.logins:
        account = user(db, login.email)
        with app.test_request_context():
            home = url_for(home_endpoint_for(account.roles))
        browser = login_as(account, login.password, on=app.test_client())
        page = browser.get("/", follow_redirects=True)
        assert page.status_code == 200, login.email
        assert page.request.path == home, login.email
        assert login.lands_on.split(" (")[0] in page.get_data(as_text=True), login.email
        if login.email in expected_text:
            assert expected_text[login.email] in page.get_data(as_text=True), login.email


def test_flask_demo_load_prints_the_logins(runner):
    result = runner.invoke(args=["demo", "load"])
    # The command also runs the feature packages' demo loaders after this one.
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output
        assert account.password in result.output
    assert "officer 204" in result.output

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, f"{second.output}\n{second.exception!r}"
    assert "Nothing new loaded" in second.output
    assert "admin@customs.example" in second.output


def test_emails_are_ascii_and_numbered_when_taken():
    assert ascii_email_part("Thị Hương") == "thi-huong"
    assert ascii_email_part("Okonkwo-Adébáyọ̀") == "okonkwo-adebayo"
    assert ascii_email_part("Łukasz") == "lukasz"
    assert ascii_email_part("Groß") == "gross"
    assert ascii_email_part("Yılmaz") == "yilmaz"
    assert ascii_email_part("Ødegaard") == "odegaard"
    assert ascii_email_part("Đức Anh") == "duc-anh"
    assert ascii_email_part("El Amrani") == "el-amrani"
    taken: set[str] = set()
    assert claim_email("José", "Álvarez", taken) == "jose.alvarez@customs.example"
    assert claim_email("Jose", "Alvarez", taken) == "jose.alvarez2@customs.example"
    assert claim_email("José", "Álvarez", taken) == "jose.alvarez3@customs.example"


def test_the_roster_is_the_same_on_every_run():
    first, second = build_roster(), build_roster()
    assert first == second
    assert len(first) == 200
