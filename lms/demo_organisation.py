"""The fixed part of the demo administration, as data: its units, job positions and named
accounts, and the public password each role signs in with. `lms.demo` loads it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lms.organisation.models import UnitKind

POSITIONS_FILE = Path(__file__).with_name("demo_data") / "positions.txt"
ROOT_CODE = "ADM"


# The officer whose login README lists: the demo gives them no trainer's rating and no task
# answer, so a new user trying the platform as them sees levels come from their own learning.
DEMO_OFFICER_EMAIL = "officer@customs.example"


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
        DEMO_OFFICER_EMAIL,
        "Ngozi Okonkwo-Adébáyọ̀",
        "CA-100007",
        "HGP",
        "OFF-CLR",
        ("officer",),
    ),
)


def password_role(roles: Iterable[str]) -> str:
    """Which role's demo password an account holding `roles` uses."""
    held = set(roles)
    return next(role for role in DEMO_PASSWORDS if role in held)


def demo_password_for(roles: Iterable[str]) -> str:
    """The demo password of an account holding `roles`."""
    return DEMO_PASSWORDS[password_role(roles)]


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
