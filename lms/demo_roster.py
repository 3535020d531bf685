"""The generated officers of the demo administration: names drawn from the pools of
demo_data/names.txt, ASCII e-mail addresses, and a staffing plan for every front-line unit.
Pure: the same seed gives the same roster on every run."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lms.demo_organisation import DEMO_ACCOUNTS, NON_FRONT_LINE_STAFF, UNITS
from lms.organisation.models import UnitKind

NAMES_FILE = Path(__file__).with_name("demo_data") / "names.txt"
EMAIL_DOMAIN = "customs.example"
# Changing the seed renames every generated officer: a database loaded before would then get a
# second workforce on the next load. Leave it alone.
SEED = 20_240_611


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
