"""Evidence is append-only, and the incremental current levels agree with a rebuild."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import astuple
from datetime import datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, insert, select, update

from competencies.models import Competency, CurrentLevel, Evidence, EvidenceImmutable, Framework
from competencies.rules import EvidencePoint, level_from_evidence
from competencies.services import evidence as evidence_service
from competencies.services import levels as levels_service
from competencies.services.evidence import NewEvidence, append_evidence
from competencies.services.frameworks import competencies_by_code, ensure_default_frameworks
from competencies.services.levels import rebuild_current_levels, refresh_lapsed_levels
from lms.accounts.models import User, UserRole
from lms.extensions import db as _db

START = datetime(2019, 3, 1, 8, 0)


class Clock:
    """A controllable utcnow for the services."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(START)
    monkeypatch.setattr(evidence_service, "utcnow", clock)
    monkeypatch.setattr(levels_service, "utcnow", clock)
    return clock


def snapshot() -> dict[tuple[int, int], tuple]:
    _db.session.expire_all()
    return {
        (row.user_id, row.competency_id): (row.level, row.achieved_at, row.expires_at)
        for row in _db.session.scalars(select(CurrentLevel))
    }


def add_officers(db, root_unit, count: int) -> list[int]:
    officers = [
        User(
            email=f"officer{n:03d}@customs.example",
            full_name=f"Officer {n:03d}",
            service_number=f"WF{n:05d}",
            unit_id=root_unit.id,
            password_hash="-",
            role_rows=[UserRole(role="officer")],
        )
        for n in range(count)
    ]
    db.session.add_all(officers)
    db.session.commit()
    return [officer.id for officer in officers]


def test_rebuild_equals_the_incremental_levels_on_a_generated_workforce(db, root_unit, clock):
    frameworks = {f.code: f for f in ensure_default_frameworks()}
    # The defaults use highest and highest_valid (24 and 36 months); make one of them latest.
    frameworks["PICARD-MGT"].level_policy = "latest"
    db.session.commit()
    assert {f.level_policy for f in frameworks.values()} == {"highest", "latest", "highest_valid"}
    competencies = list(competencies_by_code().values())
    officers = add_officers(db, root_unit, 50)
    rng = random.Random(20240601)
    # A small pool of (officer, competency) pairs per officer so that pairs collect evidence
    # over years: levels rise, fall, tie and lapse.
    pairs = [(officer, rng.choice(competencies)) for officer in officers for _ in range(12)]
    rows = 0
    while rows < 3000:
        clock.now += timedelta(days=rng.choice([0, 1, 2, 5, 20]), minutes=rng.randint(0, 600))
        batch = [rng.choice(pairs) for _ in range(rng.randint(1, 6))]  # may repeat a pair
        append_evidence(
            NewEvidence(officer, competency, rng.choice([0, 1, 1, 2, 2, 3, 4]), "quiz")
            for officer, competency in batch
        )
        rows += len(batch)
        if rng.random() < 0.05:
            db.session.commit()
    db.session.commit()
    assert clock.now - START > timedelta(days=4 * 365), "the evidence should span lapses"

    # The daily job brings levels whose validity ran out up to date, then both must agree.
    refreshed = refresh_lapsed_levels()
    db.session.commit()
    incremental = snapshot()
    rebuilt_rows = rebuild_current_levels()
    db.session.commit()
    rebuilt = snapshot()

    assert db.session.scalar(select(Evidence.id).order_by(Evidence.id.desc()).limit(1)) >= 3000
    assert refreshed > 0, "some levels should have lapsed by the end"
    assert rebuilt_rows == len(incremental) == len(pairs_with_evidence(db))
    differences = {
        key: (incremental.get(key), rebuilt.get(key))
        for key in incremental.keys() | rebuilt.keys()
        if incremental.get(key) != rebuilt.get(key)
    }
    assert differences == {}
    by_policy = Counter(
        (framework.level_policy, level)
        for (_, competency_id), (level, _, _) in rebuilt.items()
        for framework in [competency_framework(db, competency_id)]
    )
    assert len({policy for policy, _ in by_policy}) == 3
    assert len({level for _, level in by_policy}) >= 4, by_policy


def pairs_with_evidence(db) -> set[tuple[int, int]]:
    return set(db.session.execute(select(Evidence.user_id, Evidence.competency_id)).all())


def competency_framework(db, competency_id: int) -> Framework:
    return db.session.scalar(
        select(Framework)
        .join(Framework.competencies)
        .where(Framework.competencies.any(id=competency_id))
    )


def test_a_level_that_has_lapsed_is_rebuilt_when_new_evidence_arrives(db, create_user, clock):
    ensure_default_frameworks()
    officer = create_user()
    valuation = competencies_by_code({"OPS-VAL"})["OPS-VAL"]  # highest valid, 36 months
    append_evidence([NewEvidence(officer.id, valuation, 3, "quiz")])
    clock.now += timedelta(days=400)
    append_evidence([NewEvidence(officer.id, valuation, 2, "quiz")])
    assert snapshot()[(officer.id, valuation.id)][0] == 3
    clock.now = START + timedelta(days=3 * 366)  # the level 3 has lapsed, the level 2 not
    append_evidence([NewEvidence(officer.id, valuation, 1, "quiz")])
    db.session.commit()
    level, achieved_at, expires_at = snapshot()[(officer.id, valuation.id)]
    assert (level, achieved_at) == (2, START + timedelta(days=400))
    assert expires_at == START + timedelta(days=400) + relativedelta(months=36)


def test_evidence_cannot_be_changed_or_deleted(db, create_user):
    ensure_default_frameworks()
    officer = create_user()
    integrity = competencies_by_code({"P-INT"})["P-INT"]
    (row,) = append_evidence([NewEvidence(officer.id, integrity, 2, "quiz")])
    db.session.commit()

    row.level = 4
    with pytest.raises(EvidenceImmutable):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(Evidence, row.id))
    with pytest.raises(EvidenceImmutable):
        db.session.flush()
    db.session.rollback()

    with pytest.raises(EvidenceImmutable):
        db.session.execute(update(Evidence).values(level=4))
    db.session.rollback()
    with pytest.raises(EvidenceImmutable):
        db.session.execute(delete(Evidence))
    db.session.rollback()

    assert db.session.scalars(select(Evidence.level)).all() == [2]
    # Adding more is what evidence is for.
    append_evidence([NewEvidence(officer.id, integrity, 3, "quiz")])
    db.session.commit()
    assert sorted(db.session.scalars(select(Evidence.level))) == [2, 3]


# --- the SQL rebuild gives exactly what the pure rules give -------------------------------------

# The last day of a month, at 10:00: with validity in months, some evidence from a longer month
# lapses before older evidence (rules.validity_window), which the SQL must follow too.
REBUILD_NOW = datetime(2024, 9, 30, 10, 0)


def random_times(rng: random.Random, validity_months: int | None) -> list[datetime]:
    """Times that test the rules' edges: around the lapse boundary and the month's end gaps,
    to the microsecond, plus times shared by several rows (ties)."""
    boundary = REBUILD_NOW - relativedelta(months=validity_months or 12)
    near = [
        boundary + timedelta(days=days, hours=hours, microseconds=micro)
        for days in (-1, 0, 1, 2)
        for hours in (-1, 0, 1, 14)
        for micro in (-1, 0, 1)
    ]
    spread = [REBUILD_NOW - timedelta(days=rng.randint(1, 1500)) for _ in range(20)]
    return near + spread


@pytest.mark.parametrize(
    ("policy", "validity_months"),
    [
        ("highest", None),
        ("latest", None),
        ("highest_valid", 1),
        ("highest_valid", 13),
        ("highest_valid", 24),
        ("highest_valid", None),
    ],
)
def test_the_sql_rebuild_and_refresh_give_what_the_rules_give(
    db, root_unit, clock, policy, validity_months
):
    framework = Framework(
        code="RANDOM", name="Random", level_policy=policy, validity_months=validity_months
    )
    framework.competencies = [Competency(code=f"RND-{n}", name=f"Random {n}") for n in range(4)]
    db.session.add(framework)
    db.session.commit()
    officers = add_officers(db, root_unit, 12)
    rng = random.Random(f"{policy}-{validity_months}")
    times = random_times(rng, validity_months)
    rows = [
        {
            "user_id": officer,
            "competency_id": competency.id,
            "level": rng.choice([0, 1, 2, 2, 3, 4, 12]),  # 12: wider than the usual scale
            "source": "quiz",
            "created_at": rng.choice(times),
        }
        for officer in officers
        for competency in framework.competencies
        if rng.random() < 0.85  # some pairs have no evidence at all
        for _ in range(rng.randint(1, 9))
    ]
    rng.shuffle(rows)  # ids out of time order: ties in time go by id
    newest: dict[tuple[int, int], datetime] = {}
    for row in rows:
        key = (row["user_id"], row["competency_id"])
        newest[key] = max(newest.get(key, row["created_at"]), row["created_at"])
    for (user_id, competency_id), at in newest.items():
        # Ties at the newest time, the later row lower: "latest" must take the later id.
        if rng.random() < 0.5:
            for level in (3, 1):
                tie = {"user_id": user_id, "competency_id": competency_id, "created_at": at}
                rows.append({**tie, "level": level, "source": "quiz"})
    db.session.execute(insert(Evidence), rows)
    db.session.commit()

    def expected(now: datetime) -> dict[tuple[int, int], tuple]:
        points: dict[tuple[int, int], list[EvidencePoint]] = {}
        for user_id, competency_id, level, at in db.session.execute(
            select(
                Evidence.user_id, Evidence.competency_id, Evidence.level, Evidence.created_at
            ).order_by(Evidence.id)
        ):
            points.setdefault((user_id, competency_id), []).append(EvidencePoint(level, at))
        return {
            key: astuple(level_from_evidence(found, policy, validity_months, now))
            for key, found in points.items()
        }

    clock.now = REBUILD_NOW
    assert rebuild_current_levels() == len(expected(REBUILD_NOW))
    db.session.commit()
    assert snapshot() == expected(REBUILD_NOW)

    # A month on, the daily refresh recomputes exactly the lapsed levels.
    before = snapshot()
    clock.now = datetime(2024, 10, 31, 9, 30)
    refreshed = refresh_lapsed_levels()
    db.session.commit()
    after, now_expected = snapshot(), expected(clock.now)
    lapsed = {
        key for key, (_, _, expires_at) in before.items() if expires_at and expires_at < clock.now
    }
    assert refreshed == len(lapsed)
    assert {key: after[key] for key in lapsed} == {key: now_expected[key] for key in lapsed}
    assert {key: after[key] for key in before.keys() - lapsed} == {
        key: before[key] for key in before.keys() - lapsed
    }
    if validity_months in (1, 13):
        assert lapsed, "the refresh should have had lapsed levels to recompute"
