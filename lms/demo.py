"""The demo administration loaded by `flask demo load`: a fictional national customs
administration with its regions, offices, training units, job positions and about 200 officers.

Loading is idempotent. Units and positions are found by code, accounts by email; only what is
missing is added and nothing that exists is changed, so a second run adds nothing. Units and
positions go through the organisation services (paths, audit), the named demo accounts through
`create_user`; the generated officers are bulk-inserted in a few statements. Every demo password
is hashed once and the hash shared. Functions flush; the CLI commits.

What is loaded lives beside this module: the fixed units, positions and named accounts in
`lms.demo_organisation`, the generated officers in `lms.demo_roster`.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from lms.accounts.models import ROLE_VALUES, User, UserRole
from lms.accounts.passwords import hash_password, password_problems
from lms.accounts.services import UserDetails, create_user
from lms.audit.services import AuditAction, record_audit
from lms.demo_organisation import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORDS,
    ROOT_CODE,
    UNITS,
    password_role,
    position_specs,
)
from lms.demo_roster import RosterEntry, build_roster
from lms.extensions import db
from lms.home import home_endpoint_for
from lms.navigation import NAV_ITEMS
from lms.organisation.models import JobPosition, OrgUnit, UnitKind
from lms.organisation.services import UnitDetails, create_unit, save_position

# ---------------------------------------------------------------------------------------------
# The summary the CLI prints.


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    roles: tuple[str, ...]
    unit_name: str
    lands_on: str


@dataclass(frozen=True)
class DemoSummary:
    units_added: int
    positions_added: int
    accounts_added: int
    units_by_kind: dict[str, int]
    positions_total: int
    users_total: int
    users_by_role: dict[str, int]
    logins: tuple[DemoLogin, ...]
    generated_officers: int
    example_officer_email: str
    seconds: float

    @property
    def added_anything(self) -> bool:
        return bool(self.units_added or self.positions_added or self.accounts_added)

    def report(self) -> str:
        """The text `flask demo load` prints: what was added, what is there, how to sign in."""
        if self.added_anything:
            lines = [
                f"Demo administration loaded in {self.seconds:.1f} s: added "
                f"{self.units_added} units, {self.positions_added} job positions and "
                f"{self.accounts_added} accounts."
            ]
        else:
            lines = [
                "Nothing new loaded: the demo administration is already in the database "
                "(nothing was changed)."
            ]
        kinds = ", ".join(
            f"{kind.replace('_', ' ')} {count}" for kind, count in self.units_by_kind.items()
        )
        roles = ", ".join(f"{role} {self.users_by_role.get(role, 0)}" for role in ROLE_VALUES)
        lines += [
            "",
            "In the database now:",
            f"  units          {sum(self.units_by_kind.values()):>4}  ({kinds})",
            f"  job positions  {self.positions_total:>4}",
            f"  accounts       {self.users_total:>4}  (by role: {roles})",
            "",
            "Demo logins (public passwords: never load the demo into a production database):",
        ]
        header = ("email", "password", "roles", "unit", "lands on")
        rows = [header] + [
            (login.email, login.password, "+".join(login.roles), login.unit_name, login.lands_on)
            for login in self.logins
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("  " + "  ".join(cells).rstrip())
            if index == 0:
                lines.append("  " + "  ".join("-" * width for width in widths))
        lines += [
            "",
            f"The {self.generated_officers} generated officers (e.g. "
            f"{self.example_officer_email}) sign in with the officer password "
            f"{DEMO_PASSWORDS['officer']}.",
            "Accounts that existed before this run were left as they were, passwords included.",
        ]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Loading.


def load_demo(*, fast_hashing: bool = False) -> DemoSummary:
    """Add whatever part of the demo administration is missing; flushes, the caller commits.

    `fast_hashing` uses the cheap Argon2 parameters meant for tests.
    """
    started = time.perf_counter()
    units_added, unit_ids = _load_units()
    positions_added, position_ids = _load_positions()
    password_hash = _password_hasher(fast_hashing)
    service_numbers = _ServiceNumbers(set(db.session.scalars(select(User.service_number))))
    named_added = _load_named_accounts(unit_ids, position_ids, password_hash, service_numbers)
    roster = build_roster()
    officers_added = _load_generated_officers(
        roster, unit_ids, position_ids, password_hash, service_numbers
    )
    db.session.flush()
    return _summarise(
        units_added=units_added,
        positions_added=positions_added,
        accounts_added=named_added + officers_added,
        unit_ids=unit_ids,
        roster=roster,
        seconds=time.perf_counter() - started,
    )


def _password_hasher(fast: bool) -> Callable[[str], str]:
    """Hash each role's demo password at most once, and only when an account needs it."""
    hashes: dict[str, str] = {}

    def hash_for(role: str) -> str:
        if role not in hashes:
            hashes[role] = hash_password(DEMO_PASSWORDS[role], fast=fast)
        return hashes[role]

    return hash_for


class _ServiceNumbers:
    """Hands out the demo's service numbers, replacing one already used by an account that is
    not part of the demo with a free number above the demo's range."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.next_free = 200_000

    def claim(self, wanted: str) -> str:
        number = wanted
        while number in self.taken:
            number, self.next_free = f"CA-{self.next_free}", self.next_free + 1
        self.taken.add(number)
        return number


def _check_password(password: str, email: str, full_name: str) -> None:
    problems = password_problems(password, email=email, full_name=full_name)
    if problems:
        raise ValueError(f"The demo password for {email} breaks the policy: {' '.join(problems)}")


def _load_units() -> tuple[int, dict[str, int]]:
    """Create the missing units; returns how many, and the id of every demo unit by code."""
    ids = dict(db.session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    if ROOT_CODE not in ids:
        # An installation with its own root (made with another code) gets the demo beneath it.
        existing_root = db.session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        if existing_root is not None:
            ids[ROOT_CODE] = existing_root
    added = 0
    for spec in UNITS:
        if spec.code in ids:
            continue
        parent_id = ids[spec.parent_code] if spec.parent_code else None
        unit = create_unit(UnitDetails(spec.code, spec.name, spec.kind, parent_id), actor_id=None)
        ids[spec.code] = unit.id
        added += 1
    return added, ids


def _load_positions() -> tuple[int, dict[str, int]]:
    ids = dict(db.session.execute(select(JobPosition.code, JobPosition.id)).all())
    added = 0
    for spec in position_specs():
        if spec.code not in ids:
            position = save_position(None, spec.code, spec.title, spec.description, actor_id=None)
            ids[spec.code] = position.id
            added += 1
    return added, ids


def _load_named_accounts(
    unit_ids: dict[str, int],
    position_ids: dict[str, int],
    password_hash: Callable[[str], str],
    service_numbers: _ServiceNumbers,
) -> int:
    demo_emails = [account.email for account in DEMO_ACCOUNTS]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(demo_emails))))
    added = 0
    for account in DEMO_ACCOUNTS:
        if account.email in existing:
            continue
        _check_password(account.password, account.email, account.full_name)
        user = create_user(
            UserDetails(
                account.email,
                account.full_name,
                service_numbers.claim(account.service_number),
                unit_ids[account.unit_code],
                position_ids[account.position_code] if account.position_code else None,
            ),
            list(account.roles),
            actor_id=None,
        )
        # Not create_user(password=...): that would hash again for every account.
        user.password_hash = password_hash(password_role(account.roles))
        added += 1
    db.session.flush()
    return added


def _load_generated_officers(
    roster: list[RosterEntry],
    unit_ids: dict[str, int],
    position_ids: dict[str, int],
    password_hash: Callable[[str], str],
    service_numbers: _ServiceNumbers,
) -> int:
    """Bulk-insert the roster's officers that are not there yet: two statements in all."""
    emails = set(db.session.scalars(select(User.email)))
    missing = [entry for entry in roster if entry.email not in emails]
    if not missing:
        return 0
    shared_hash = password_hash("officer")
    rows = []
    for entry in missing:
        _check_password(DEMO_PASSWORDS["officer"], entry.email, entry.full_name)
        rows.append(
            {
                "email": entry.email,
                "full_name": entry.full_name,
                "service_number": service_numbers.claim(entry.service_number),
                "unit_id": unit_ids[entry.unit_code],
                "position_id": position_ids[entry.position_code],
                "password_hash": shared_hash,
                "active": True,
                "must_change_password": False,
            }
        )
    user_ids = (
        db.session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), rows)
        .scalars()
        .all()
    )
    db.session.execute(insert(UserRole), [{"user_id": id_, "role": "officer"} for id_ in user_ids])
    record_audit(
        AuditAction.USERS_IMPORTED,
        actor_id=None,
        target_type="demo",
        summary=f"Loaded {len(rows)} generated demo officers",
        after={"users": len(rows)},
    )
    return len(rows)


def _summarise(
    *,
    units_added: int,
    positions_added: int,
    accounts_added: int,
    unit_ids: dict[str, int],
    roster: list[RosterEntry],
    seconds: float,
) -> DemoSummary:
    kind_counts = dict(
        db.session.execute(
            select(OrgUnit.kind, func.count(OrgUnit.id)).group_by(OrgUnit.kind)
        ).all()
    )
    known_kinds = [kind.value for kind in UnitKind if kind.value in kind_counts]
    other_kinds = sorted(set(kind_counts) - set(known_kinds))
    users_by_role = dict(
        db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all()
    )
    logins = []
    for account in DEMO_ACCOUNTS:
        unit = db.session.get(OrgUnit, unit_ids[account.unit_code])
        logins.append(
            DemoLogin(
                email=account.email,
                password=account.password,
                roles=account.roles,
                unit_name=unit.name,
                lands_on=_landing_page(account.roles, unit),
            )
        )
    return DemoSummary(
        units_added=units_added,
        positions_added=positions_added,
        accounts_added=accounts_added,
        units_by_kind={kind: kind_counts[kind] for kind in known_kinds + other_kinds},
        positions_total=db.session.scalar(select(func.count(JobPosition.id))) or 0,
        users_total=db.session.scalar(select(func.count(User.id))) or 0,
        users_by_role=users_by_role,
        logins=tuple(logins),
        generated_officers=len(roster),
        example_officer_email=roster[0].email,
        seconds=seconds,
    )


def _landing_page(roles: tuple[str, ...], unit: OrgUnit) -> str:
    """The page the account sees first after signing in, named as in the navigation (HR: with
    the scope it covers)."""
    endpoint = home_endpoint_for(frozenset(roles))
    page = next((str(item.label) for item in NAV_ITEMS if item.endpoint == endpoint), endpoint)
    if endpoint == "organisation.workforce" and "admin" not in roles:
        scope = "whole administration" if unit.parent_id is None else f"{unit.name} and below"
        return f"{page} ({scope})"
    return page
