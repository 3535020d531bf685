"""Rebuilding current levels from evidence: the reference the incremental updates must match,
and the repair for lapsed levels.

Both are set-based SQL (a constant number of statements, whatever the number of officers or
evidence rows) that give exactly what `rules.level_from_evidence` gives for each
(officer, competency): tests/competencies/test_levels.py holds them to it on random data.

Each rule is one aggregate over a *key*: a text built from each evidence row so that the
row the rule picks is the smallest (MIN) or the largest (MAX) key, and the level and the time
can be read back from it. Times are written as fixed-width text that sorts like the time
(SQLite already stores them so), levels and ids as fixed-width numbers:

- highest:        MIN(20000 - level ‖ time): the best level, first reached;
- latest:         MAX(time ‖ 10^18 + id ‖ 20000 + level): the newest row, the later id on a
                  tie in time (as the incremental update does);
- highest_valid:  MAX(20000 + level ‖ time) over the rows still valid, and rows that have
                  lapsed as 10000 ‖ time, below every valid one: the best valid level, newest
                  reached; if every row has lapsed, level 0 at the newest row's time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)

from competencies.models import Competency, CurrentLevel, Evidence, Framework, LevelPolicy
from competencies.rules import valid_since
from lms.extensions import db
from lms.timeutil import utcnow

LEVEL_BASE = 20_000  # 20000 ± level: five digits for any level 0…9999
LAPSED = "10000"  # below every LEVEL_BASE + level
ID_BASE = 10**18  # 19 digits for any id below 9 * 10^18
TIME_WIDTH = 26  # YYYY-MM-DD HH:MM:SS.ffffff
LEVEL_WIDTH = 5
ID_WIDTH = 19


def rebuild_current_levels(framework_id: int | None = None) -> int:
    """Recompute current levels from all evidence (of one framework, or all); returns the rows.

    One DELETE and one INSERT … SELECT per framework: each framework's rule is one GROUP BY
    over its evidence."""
    now = utcnow()
    query = select(Framework)
    if framework_id is not None:
        query = query.where(Framework.id == framework_id)
    rows = 0
    for framework in db.session.scalars(query).all():
        competency_ids = select(Competency.id).where(Competency.framework_id == framework.id)
        db.session.execute(
            delete(CurrentLevel).where(CurrentLevel.competency_id.in_(competency_ids))
        )
        levels = current_levels_from_evidence(framework, now)
        result = db.session.execute(
            insert(CurrentLevel).from_select(
                ["user_id", "competency_id", "level", "achieved_at", "expires_at"], levels
            ),
            execution_options={"preserve_rowcount": True},
        )
        rows += result.rowcount
    db.session.flush()
    return rows


def current_levels_from_evidence(framework: Framework, now: datetime) -> Select:
    """SELECT user_id, competency_id, level, achieved_at, expires_at for every officer and
    competency of `framework` with evidence, by the framework's rule at `now`."""
    rule = _Rule(framework.level_policy, framework.validity_months, now)
    level, achieved_at, expires_at = rule.decode(rule.aggregate())
    return (
        select(
            Evidence.user_id,
            Evidence.competency_id,
            level.label("level"),
            achieved_at.label("achieved_at"),
            expires_at.label("expires_at"),
        )
        .where(
            Evidence.competency_id.in_(
                select(Competency.id).where(Competency.framework_id == framework.id)
            )
        )
        .group_by(Evidence.user_id, Evidence.competency_id)
    )


def refresh_lapsed_levels() -> int:
    """Recompute the levels whose validity has run out (run daily by beat).

    One UPDATE per framework with lapsed levels: each lapsed row is recomputed from its own
    evidence (an index range per row, never a scan of all the evidence)."""
    now = utcnow()
    lapsed = and_(CurrentLevel.expires_at.is_not(None), CurrentLevel.expires_at < now)
    frameworks = db.session.scalars(
        select(Framework).where(
            Framework.id.in_(
                select(Competency.framework_id)
                .join(CurrentLevel, CurrentLevel.competency_id == Competency.id)
                .where(lapsed)
            )
        )
    ).all()
    refreshed = 0
    for framework in frameworks:
        rule = _Rule(framework.level_policy, framework.validity_months, now)
        own_evidence = and_(
            Evidence.user_id == CurrentLevel.user_id,
            Evidence.competency_id == CurrentLevel.competency_id,
        )
        level, achieved_at, expires_at = (
            select(value).where(own_evidence).scalar_subquery()
            for value in rule.decode(rule.aggregate())
        )
        result = db.session.execute(
            update(CurrentLevel)
            .where(
                lapsed,
                CurrentLevel.competency_id.in_(
                    select(Competency.id).where(Competency.framework_id == framework.id)
                ),
            )
            .values(level=level, achieved_at=achieved_at, expires_at=expires_at)
            .execution_options(synchronize_session=False)
        )
        refreshed += result.rowcount
    db.session.expire_all()
    return refreshed


class _Rule:
    """The key of one framework's rule, and how to read level and times back from it."""

    def __init__(self, policy: str, validity_months: int | None, now: datetime) -> None:
        self.policy = policy
        self.validity_months = validity_months if policy == LevelPolicy.HIGHEST_VALID else None
        self.valid_since = valid_since(now, self.validity_months)
        self.dialect = db.session.get_bind().dialect.name

    def aggregate(self) -> ColumnElement[str]:
        time = self._time_text(Evidence.created_at)
        if self.policy == LevelPolicy.LATEST:
            return func.max(
                time
                + _digits(Evidence.id + literal(ID_BASE, BigInteger))
                + _digits(Evidence.level + LEVEL_BASE)
            )
        if self.policy == LevelPolicy.HIGHEST_VALID:
            level = _digits(Evidence.level + LEVEL_BASE)
            if self.valid_since is not None:
                level = case(
                    (Evidence.created_at >= self.valid_since, level), else_=literal(LAPSED)
                )
            return func.max(level + time)
        return func.min(_digits(LEVEL_BASE - Evidence.level) + time)

    def decode(
        self, key: ColumnElement[str]
    ) -> tuple[ColumnElement[int], ColumnElement[datetime], ColumnElement[datetime | None]]:
        if self.policy == LevelPolicy.LATEST:
            time_text = func.substr(key, 1, TIME_WIDTH)
            level_digits = func.substr(key, TIME_WIDTH + ID_WIDTH + 1, LEVEL_WIDTH)
            level = cast(level_digits, Integer) - LEVEL_BASE
            return level, self._time(time_text), _null_time()
        level_digits = func.substr(key, 1, LEVEL_WIDTH)
        time_text = func.substr(key, LEVEL_WIDTH + 1, TIME_WIDTH)
        if self.policy == LevelPolicy.HIGHEST_VALID:
            lapsed = level_digits == LAPSED
            level = case((lapsed, 0), else_=cast(level_digits, Integer) - LEVEL_BASE)
            expires_at = _null_time()
            if self.validity_months:
                expires_at = case(
                    (lapsed, _null_time()), else_=self._add_months(time_text, self.validity_months)
                )
            return level, self._time(time_text), expires_at
        level = LEVEL_BASE - cast(level_digits, Integer)
        return level, self._time(time_text), _null_time()

    # Times as sortable fixed-width text, and back.

    def _time_text(self, column: ColumnElement[datetime]) -> ColumnElement[str]:
        if self.dialect == "postgresql":
            return type_coerce(func.to_char(column, "YYYY-MM-DD HH24:MI:SS.US"), String)
        return type_coerce(column, String)  # SQLite stores DateTime as exactly this text

    def _time(self, text: ColumnElement[str]) -> ColumnElement[datetime]:
        if self.dialect == "postgresql":
            return cast(text, DateTime)
        return type_coerce(text, DateTime)

    def _add_months(self, text: ColumnElement[str], months: int) -> ColumnElement[datetime]:
        """The time plus `months` calendar months, clipped to the month's end like
        dateutil's relativedelta (rules.lapse_time)."""
        if self.dialect == "postgresql":
            return type_coerce(cast(text, DateTime) + func.make_interval(0, months), DateTime)
        # SQLite's own '+N months' overflows (31 January + 1 month is 3 March): go to the first
        # of the target month, then add the day, clipped to the target month's length.
        first = type_coerce(
            func.date(func.substr(text, 1, 10), "start of month", f"+{months} months"), String
        )
        last_day = cast(func.strftime("%d", first, "+1 month", "-1 day"), Integer)
        day = func.min(cast(func.substr(text, 9, 2), Integer), last_day)
        date = type_coerce(func.date(first, _digits(day - 1) + literal(" days", String)), String)
        return type_coerce(date + func.substr(text, 11), DateTime)


def _digits(number: ColumnElement[int] | int) -> ColumnElement[str]:
    return cast(number, String)


def _null_time() -> ColumnElement[datetime | None]:
    return cast(literal(None), DateTime)
