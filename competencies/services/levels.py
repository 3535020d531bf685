"""Rebuilding current levels from evidence: the reference the incremental updates must match,
and the repair for lapsed levels.

Both are set-based SQL, a few statements per framework whatever the number of officers or
evidence rows, and give exactly what `rules.level_from_evidence` gives for each (officer,
competency): tests/competencies/test_levels.py holds them to it on random data, on SQLite and
PostgreSQL.

Each rule is one aggregate over a *key*, a text built from each evidence row so that the row
the rule picks has the smallest (MIN) or the largest (MAX) key, and its level and time can be
read back from it. Times are written as fixed-width text that sorts like the time (SQLite
already stores them so), levels and ids as fixed-width numbers, compared byte by byte:

- highest:        MIN(20000 - level ‖ time): the best level, first reached;
- latest:         MAX(time ‖ 10^18 + id ‖ 20000 + level): the newest row, the later id on a
                  tie in time (as the incremental update, which appends in id order);
- highest_valid:  MAX(20000 + level ‖ time) over the rows still valid (rules.validity_window),
                  the lapsed ones as 10000 ‖ time, below every valid one: the best valid
                  level, newest reached; when every row has lapsed, level 0 at the newest
                  row's time.

One GROUP BY per framework reads its evidence once; the covering index
ix_evidence_competency_user_time makes that an index-only range scan on SQLite.
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
    not_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite

from competencies.models import Competency, CurrentLevel, Evidence, Framework, LevelPolicy
from competencies.rules import validity_window
from lms.extensions import db
from lms.timeutil import utcnow

LEVEL_BASE = 20_000  # 20000 ± level: five digits for any level 0…9999
LAPSED = "10000"  # below every LEVEL_BASE + level
ID_BASE = 10**18  # 19 digits for any id below 9 × 10^18
TIME_WIDTH = 26  # YYYY-MM-DD HH:MM:SS.ffffff
LEVEL_WIDTH = 5
ID_WIDTH = 19
COLUMNS = ("user_id", "competency_id", "level", "achieved_at", "expires_at")


def rebuild_current_levels(framework_id: int | None = None) -> int:
    """Recompute current levels from all evidence (of one framework, or all); returns the rows.

    A DELETE, then one INSERT … SELECT … GROUP BY per framework."""
    now = utcnow()
    frameworks = select(Framework)
    stale = delete(CurrentLevel)
    if framework_id is not None:
        frameworks = frameworks.where(Framework.id == framework_id)
        stale = stale.where(CurrentLevel.competency_id.in_(_competencies_of(framework_id)))
    # Not matched against the session row by row: every level object is expired at the end.
    db.session.execute(stale, execution_options={"synchronize_session": False})
    rows = 0
    for framework in db.session.scalars(frameworks).all():
        levels = current_levels_from_evidence(framework, now)
        # In key order, the rows go into the primary key's B-tree in sequence (faster).
        levels = levels.order_by(*list(levels.selected_columns)[:2])
        result = db.session.execute(
            insert(CurrentLevel).from_select(COLUMNS, levels),
            execution_options={"preserve_rowcount": True},
        )
        rows += result.rowcount
    db.session.expire_all()  # level objects loaded before now hold the old values
    return rows


def current_levels_from_evidence(framework: Framework, now: datetime) -> Select:
    """SELECT user_id, competency_id, level, achieved_at, expires_at: the level of every
    officer in every competency of `framework` they have evidence for, by its rule at `now`."""
    rule = _Rule(framework, now)
    return rule.levels(
        select(Evidence.user_id, Evidence.competency_id, rule.key().label("key"))
        .where(Evidence.competency_id.in_(_competencies_of(framework.id)))
        .group_by(Evidence.competency_id, Evidence.user_id)
    )


def refresh_lapsed_levels() -> int:
    """Recompute the levels whose validity has run out (run daily by beat); returns the rows.

    One INSERT … SELECT … ON CONFLICT DO UPDATE per framework with lapsed levels: the lapsed
    rows are recomputed from their own evidence only (index ranges, not all evidence). A level
    without evidence (set by hand) is left alone."""
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
        rule = _Rule(framework, now)
        levels = rule.levels(
            select(Evidence.user_id, Evidence.competency_id, rule.key().label("key"))
            .join(
                CurrentLevel,
                and_(
                    CurrentLevel.user_id == Evidence.user_id,
                    CurrentLevel.competency_id == Evidence.competency_id,
                ),
            )
            .where(lapsed, CurrentLevel.competency_id.in_(_competencies_of(framework.id)))
            .group_by(Evidence.competency_id, Evidence.user_id)
        )
        upsert = _dialect_insert()(CurrentLevel).from_select(COLUMNS, levels)
        upsert = upsert.on_conflict_do_update(
            index_elements=["user_id", "competency_id"],
            set_={name: upsert.excluded[name] for name in COLUMNS[2:]},
        )
        result = db.session.execute(upsert, execution_options={"preserve_rowcount": True})
        refreshed += result.rowcount
    db.session.expire_all()  # level objects loaded before now hold the old values
    return refreshed


def _competencies_of(framework_id: int) -> Select:
    return select(Competency.id).where(Competency.framework_id == framework_id)


def _dialect_insert():
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class _Rule:
    """One framework's rule as SQL: the key to aggregate, and the level and times read back."""

    def __init__(self, framework: Framework, now: datetime) -> None:
        self.policy = framework.level_policy
        self.validity_months = (
            framework.validity_months if self.policy == LevelPolicy.HIGHEST_VALID else None
        )
        self.window = validity_window(now, self.validity_months)
        self.dialect = db.session.get_bind().dialect.name

    def key(self) -> ColumnElement[str]:
        """The aggregate over the evidence rows of one officer and competency."""
        time = self._time_text(Evidence.created_at)
        if self.policy == LevelPolicy.LATEST:
            newest = time + _digits(Evidence.id + literal(ID_BASE, BigInteger))
            return func.max(self._bytewise(newest + _digits(Evidence.level + LEVEL_BASE)))
        if self.policy == LevelPolicy.HIGHEST_VALID:
            level = _digits(Evidence.level + LEVEL_BASE)
            if self.window is not None:
                level = case((self._counts(Evidence.created_at), level), else_=literal(LAPSED))
            return func.max(self._bytewise(level + time))
        return func.min(self._bytewise(_digits(LEVEL_BASE - Evidence.level) + time))

    def levels(self, grouped: Select) -> Select:
        """SELECT the current level's columns from `grouped` (user_id, competency_id, key)."""
        keys = grouped.subquery("keys")
        key = keys.c.key
        if self.policy == LevelPolicy.LATEST:
            level_digits = func.substr(key, TIME_WIDTH + ID_WIDTH + 1, LEVEL_WIDTH)
            time_text = func.substr(key, 1, TIME_WIDTH)
            level = cast(level_digits, Integer) - LEVEL_BASE
            expires_at = _no_time()
        else:
            level_digits = func.substr(key, 1, LEVEL_WIDTH)
            time_text = func.substr(key, LEVEL_WIDTH + 1, TIME_WIDTH)
            if self.policy == LevelPolicy.HIGHEST_VALID:
                lapsed = level_digits == LAPSED
                level = case((lapsed, 0), else_=cast(level_digits, Integer) - LEVEL_BASE)
                expires_at = _no_time()
                if self.validity_months:
                    expires_at = case(
                        (lapsed, _no_time()),
                        else_=self._add_months(time_text, self.validity_months),
                    )
            else:
                level = LEVEL_BASE - cast(level_digits, Integer)
                expires_at = _no_time()
        return select(
            keys.c.user_id,
            keys.c.competency_id,
            level.label("level"),
            self._time(time_text).label("achieved_at"),
            expires_at.label("expires_at"),
        ).where(true())  # SQLite parses INSERT … SELECT … ON CONFLICT only after a WHERE

    def _counts(self, at: ColumnElement[datetime]) -> ColumnElement[bool]:
        """rules.ValidityWindow.counts in SQL."""
        return and_(
            at >= self.window.since,
            *(not_(and_(at >= start, at < end)) for start, end in self.window.gaps),
        )

    # Times as text that sorts like the time, and back.

    def _time_text(self, column: ColumnElement[datetime]) -> ColumnElement[str]:
        if self.dialect == "postgresql":
            return type_coerce(func.to_char(column, "YYYY-MM-DD HH24:MI:SS.US"), String)
        return type_coerce(column, String)  # SQLAlchemy stores SQLite DateTime as this text

    def _bytewise(self, text: ColumnElement[str]) -> ColumnElement[str]:
        # PostgreSQL compares text by the database's locale unless told otherwise.
        return text.collate("C") if self.dialect == "postgresql" else text

    def _time(self, text: ColumnElement[str]) -> ColumnElement[datetime]:
        if self.dialect == "postgresql":
            return cast(text, DateTime)
        return type_coerce(text, DateTime)

    def _add_months(self, text: ColumnElement[str], months: int) -> ColumnElement[datetime]:
        """The time plus `months` calendar months, clipped to the month's end as dateutil's
        relativedelta does (rules.lapse_time)."""
        if self.dialect == "postgresql":
            return type_coerce(cast(text, DateTime) + func.make_interval(0, months), DateTime)
        # SQLite's own '+N months' overflows (31 January + 1 month is 3 March): take the first
        # of the target month, then add the day, clipped to that month's length.
        first = type_coerce(
            func.date(func.substr(text, 1, 10), "start of month", f"+{months} months"), String
        )
        last_day = cast(func.strftime("%d", first, "+1 month", "-1 day"), Integer)
        day = func.min(cast(func.substr(text, 9, 2), Integer), last_day)
        date = type_coerce(func.date(first, _digits(day - 1) + literal(" days", String)), String)
        return type_coerce(date + func.substr(text, 11), DateTime)


def _digits(number: ColumnElement[int] | int) -> ColumnElement[str]:
    return cast(number, String)


def _no_time() -> ColumnElement[datetime | None]:
    return cast(literal(None), DateTime)
