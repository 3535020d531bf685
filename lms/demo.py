"""The demo administration loaded by `flask demo load`: a fictional national customs
administration with its regions, offices, training units, job positions and about 200 officers.

Loading is idempotent. Units and positions are found by code, accounts by email; only what is
missing is added and nothing that exists is changed, so a second run adds nothing. Units and
positions go through the organisation services (paths, audit), the named demo accounts through
`create_user`; the generated officers are bulk-inserted in a few statements. Every demo password
is hashed once and the hash shared. Functions flush; the CLI commits.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import func, insert, select

from lms.accounts.models import ROLE_VALUES, User, UserRole
from lms.accounts.passwords import hash_password, password_problems
from lms.accounts.services import UserDetails, create_user
from lms.audit.services import AuditAction, record_audit
from lms.extensions import db
from lms.home import home_endpoint_for
from lms.navigation import NAV_ITEMS
from lms.organisation.models import JobPosition, OrgUnit, UnitKind
from lms.organisation.services import UnitDetails, create_unit, save_position

DATA_DIR = Path(__file__).with_name("demo_data")
NAMES_FILE = DATA_DIR / "names.txt"
POSITIONS_FILE = DATA_DIR / "positions.txt"
EMAIL_DOMAIN = "customs.example"
# Changing the seed renames every generated officer: a database loaded before would then get a
# second workforce on the next load. Leave it alone.
SEED = 20_240_611
ROOT_CODE = "ADM"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None
    headcount: int = 0  # generated officers, for offices, ports and border posts


# Parents before children. 12 front-line units; ports and the capital are the biggest.
UNITS: tuple[UnitSpec, ...] = (
    UnitSpec(ROOT_CODE, "National Customs Administration", UnitKind.ADMINISTRATION, None),
    UnitSpec("HQ", "Headquarters Directorate", UnitKind.DIRECTORATE, ROOT_CODE),
    UnitSpec("NCTC", "National Customs Training Centre", UnitKind.TRAINING_CENTRE, ROOT_CODE),
    UnitSpec("NOR", "Northern Region", UnitKind.REGION, ROOT_CODE),
    UnitSpec("CST", "Coastal Region", UnitKind.REGION, ROOT_CODE),
    UnitSpec("CEN", "Central Region", UnitKind.REGION, ROOT_CODE),
    UnitSpec("NHB", "Northern Highway Border Post", UnitKind.BORDER_POST, "NOR", 16),
    UnitSpec("PRB", "Pine Ridge Border Post", UnitKind.BORDER_POST, "NOR", 10),
    UnitSpec("LFP", "Lakeside Ferry Port", UnitKind.PORT, "NOR", 10),
    UnitSpec("NGO", "Northgate Customs Office", UnitKind.OFFICE, "NOR", 11),
    UnitSpec("HGP", "Harbour Gate Port", UnitKind.PORT, "CST", 28),
    UnitSpec("SBT", "Saltbay Container Terminal", UnitKind.PORT, "CST", 20),
    UnitSpec("CAC", "Coastal Airport Cargo Office", UnitKind.OFFICE, "CST", 15),
    UnitSpec("SCB", "Southern Coast Road Border Post", UnitKind.BORDER_POST, "CST", 11),
    UnitSpec("CRTO", "Coastal Regional Training Office", UnitKind.TRAINING_CENTRE, "CST"),
    UnitSpec("CCO", "Capital City Customs Office", UnitKind.OFFICE, "CEN", 22),
    UnitSpec("IAO", "International Airport Customs Office", UnitKind.OFFICE, "CEN", 19),
    UnitSpec("EDP", "Eastfield Dry Port", UnitKind.PORT, "CEN", 15),
    UnitSpec("RRB", "Riverside Rail Border Post", UnitKind.BORDER_POST, "CEN", 11),
)

# Staff outside the front line: strategy and central analysis at headquarters, a senior manager
# and a risk analyst in each region's office.
NON_FRONT_LINE_STAFF: dict[str, dict[str, int]] = {
    "HQ": {"STRAT-MGR": 2, "RISK": 2, "PCA": 1, "VAL": 1},
    "NOR": {"SNR-MGR": 1, "RISK": 1},
    "CST": {"SNR-MGR": 1, "RISK": 1},
    "CEN": {"SNR-MGR": 1, "RISK": 1},
}

# One password per role, public by design. An account uses the first of its roles listed.
DEMO_PASSWORDS: dict[str, str] = {
    "admin": "Keystone-Ledger-19",
    "hr": "Workforce-Atlas-54",
    "trainer": "Lesson-Compass-38",
    "officer": "Harbour-Manifest-71",
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    service_number: str
    unit_code: str
    position_code: str | None
    roles: tuple[str, ...]

    @property
    def password(self) -> str:
        return demo_password_for(self.roles)


# The named logins, in the order the report lists them.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@customs.example", "Łukasz Nowak", "CA-100001", "HQ", None, ("admin",)),
    DemoAccount("hr@customs.example", "Thị Hương Nguyễn", "CA-100002", ROOT_CODE, None, ("hr",)),
    DemoAccount("hr.coastal@customs.example", "Aïssatou Sow", "CA-100003", "CST", None, ("hr",)),
    DemoAccount(
        "trainer@customs.example",
        "José Álvarez",
        "CA-100004",
        "NCTC",
        "TRAINER",
        ("officer", "trainer"),
    ),
    DemoAccount(
        "trainer2@customs.example",
        "Mariana Gonçalves",
        "CA-100005",
        "NCTC",
        "TRAINER",
        ("officer", "trainer"),
    ),
    DemoAccount(
        "trainer.coastal@customs.example",
        "Kwame Mensah",
        "CA-100006",
        "CRTO",
        "TRAINER",
        ("officer", "trainer"),
    ),
    DemoAccount(
        "officer@customs.example",
        "Ngozi Okonkwo-Adébáyọ̀",
        "CA-100007",
        "HGP",
        "OFF-CLR",
        ("officer",),
    ),
)


# ---------------------------------------------------------------------------------------------
# Pure part: names, emails, the generated roster.


@dataclass(frozen=True)
class NamePool:
    tradition: str
    given: tuple[str, ...]
    family: tuple[str, ...]


@dataclass(frozen=True)
class RosterEntry:
    email: str
    full_name: str
    service_number: str
    unit_code: str
    position_code: str


def password_role(roles: Iterable[str]) -> str:
    """Which role's demo password an account holding `roles` uses."""
    held = set(roles)
    return next(role for role in DEMO_PASSWORDS if role in held)


def demo_password_for(roles: Iterable[str]) -> str:
    """The demo password of an account holding `roles`."""
    return DEMO_PASSWORDS[password_role(roles)]


def parse_name_pools(text: str) -> list[NamePool]:
    """Read the name list format of demo_data/names.txt."""
    pools: list[NamePool] = []
    tradition: str | None = None
    lists: dict[str, tuple[str, ...]] = {}

    def close() -> None:
        if tradition is None:
            return
        if not lists.get("given") or not lists.get("family"):
            raise ValueError(f"Names: [{tradition}] needs a given: and a family: line.")
        pools.append(NamePool(tradition, lists["given"], lists["family"]))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", raw.strip())
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            close()
            tradition, lists = line[1:-1].strip(), {}
            continue
        key, _, values = line.partition(":")
        if tradition is None or key.strip() not in ("given", "family"):
            raise ValueError(f"Names, line {number}: expected [Tradition], given: or family:.")
        lists[key.strip()] = tuple(name.strip() for name in values.split(",") if name.strip())
    close()
    return pools


@dataclass(frozen=True)
class PositionSpec:
    code: str
    title: str
    description: str


@cache
def position_specs() -> tuple[PositionSpec, ...]:
    """The job positions of demo_data/positions.txt ("CODE | title | description" lines)."""
    specs = []
    for number, line in enumerate(POSITIONS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"Positions, line {number}: expected CODE | title | description.")
        specs.append(PositionSpec(*fields))
    return tuple(specs)


@cache
def name_pools() -> tuple[NamePool, ...]:
    return tuple(parse_name_pools(NAMES_FILE.read_text(encoding="utf-8")))


# Letters that Unicode decomposition does not reduce to ASCII.
_ASCII_SPELLINGS = str.maketrans(
    {
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "\u0131": "i",  # dotless i (Turkish)
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
    }
)


def ascii_email_part(name: str) -> str:
    """A name as an email-address part: lower-case ASCII, words joined by hyphens
    ("Thị Hương" → "thi-huong", "Okonkwo-Adébáyọ̀" → "okonkwo-adebayo")."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_SPELLINGS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def claim_email(given: str, family: str, taken: set[str]) -> str:
    """given.family@customs.example in ASCII, numbered from 2 when already in `taken`; the
    address returned is added to `taken`."""
    local = f"{ascii_email_part(given)}.{ascii_email_part(family)}"
    email, number = f"{local}@{EMAIL_DOMAIN}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{EMAIL_DOMAIN}"
    taken.add(email)
    return email


def positions_for_front_line(kind: str, headcount: int) -> list[str]:
    """Position codes for a front-line unit of `headcount` officers: one manager, a team lead
    per eight officers, the specialists the unit's work needs, a few trainees, and the rest
    clearance and enforcement officers in the proportion of the unit's kind."""
    codes = ["OFF-MGR"] + ["TEAM-LEAD"] * max(1, headcount // 8)
    if kind == UnitKind.PORT:
        codes += ["RISK", "PCA"] + ["VAL"] * (2 if headcount >= 20 else 1)
    elif kind == UnitKind.OFFICE:
        codes += ["VAL", "PCA"] + (["RISK"] if headcount >= 18 else [])
    else:  # border posts: enforcement-heavy, valuation handled inland
        codes += ["RISK"]
    codes += ["TRAINEE"] * max(1, headcount // 12)
    remaining = headcount - len(codes)
    clearance_share = {UnitKind.PORT: 0.55, UnitKind.OFFICE: 0.7}.get(kind, 0.4)
    clearance = round(remaining * clearance_share)
    return codes + ["OFF-CLR"] * clearance + ["OFF-ENF"] * (remaining - clearance)


def staffing_plan() -> list[tuple[str, str]]:
    """(unit code, position code) for every generated officer, in a fixed order."""
    plan = [
        (unit_code, position)
        for unit_code, counts in NON_FRONT_LINE_STAFF.items()
        for position, count in counts.items()
        for _ in range(count)
    ]
    for spec in UNITS:
        if spec.headcount:
            plan += [(spec.code, p) for p in positions_for_front_line(spec.kind, spec.headcount)]
    return plan


def build_roster() -> list[RosterEntry]:
    """The generated officers: the same names, emails and service numbers on every run."""
    rng = random.Random(SEED)
    pools = name_pools()
    plan = staffing_plan()
    # Named accounts use CA-1000xx; generated numbers start above them.
    numbers = rng.sample(range(100_100, 200_000), len(plan))
    taken = {account.email for account in DEMO_ACCOUNTS}
    names: set[str] = set()
    roster: list[RosterEntry] = []
    for (unit_code, position), number in zip(plan, numbers, strict=True):
        # Namesakes happen in a real workforce, but rarely: draw again, up to twice, on a repeat.
        for _ in range(3):
            pool = rng.choice(pools)
            given, family = rng.choice(pool.given), rng.choice(pool.family)
            if f"{given} {family}" not in names:
                break
        names.add(f"{given} {family}")
        email = claim_email(given, family, taken)
        roster.append(RosterEntry(email, f"{given} {family}", f"CA-{number}", unit_code, position))
    return roster


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
