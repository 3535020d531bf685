"""The organisation tree and job positions. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal, select, update

from lms.accounts.models import User
from lms.audit.services import AuditAction, record_audit
from lms.database import bytewise, get_or_raise
from lms.errors import Conflict, ValidationError
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit, UnitKind

UNIT_KINDS = tuple(kind.value for kind in UnitKind)


@dataclass(frozen=True)
class UnitDetails:
    code: str
    name: str
    kind: str
    parent_id: int | None


def get_unit(unit_id: int) -> OrgUnit:
    return get_or_raise(OrgUnit, unit_id, f"No organisation unit with id {unit_id}.")


def get_position(position_id: int) -> JobPosition:
    return get_or_raise(JobPosition, position_id, f"No job position with id {position_id}.")


def tree_order() -> ColumnElement[str]:
    """Units in tree order: each parent, then its whole subtree (see lms.database.bytewise)."""
    return bytewise(OrgUnit.path)


def list_units() -> list[OrgUnit]:
    """All units in tree order (each parent before its children)."""
    return list(db.session.scalars(select(OrgUnit).order_by(tree_order())))


def list_positions() -> list[JobPosition]:
    return list(db.session.scalars(select(JobPosition).order_by(JobPosition.title)))


def subtree_condition(unit: OrgUnit):
    """A WHERE clause matching `unit` and every unit below it."""
    return OrgUnit.path.startswith(unit.path, autoescape=True)


def subtree_unit_ids(unit: OrgUnit) -> Select[tuple[int]]:
    return select(OrgUnit.id).where(subtree_condition(unit))


def units_in_subtree(unit: OrgUnit) -> list[OrgUnit]:
    """`unit` and every unit below it, in tree order."""
    return list(
        db.session.scalars(select(OrgUnit).where(subtree_condition(unit)).order_by(tree_order()))
    )


def headcount_by_unit() -> dict[int, int]:
    """Active users per unit id (units without anyone are absent)."""
    return dict(
        db.session.execute(
            select(User.unit_id, func.count(User.id)).where(User.active).group_by(User.unit_id)
        ).all()
    )


def headcount_by_position() -> dict[int | None, int]:
    """Active users per position id (None: those without a position)."""
    return dict(
        db.session.execute(
            select(User.position_id, func.count(User.id))
            .where(User.active)
            .group_by(User.position_id)
        ).all()
    )


def _clean(details: UnitDetails) -> UnitDetails:
    code = details.code.strip().upper()
    if not code or len(code) > 32:
        raise ValidationError("A unit code is 1 to 32 characters.")
    if not details.name.strip():
        raise ValidationError("A unit needs a name.")
    if details.kind not in UNIT_KINDS:
        raise ValidationError(f"Unknown unit kind '{details.kind}'.")
    return UnitDetails(code, details.name.strip(), details.kind, details.parent_id)


def create_unit(details: UnitDetails, *, actor_id: int | None) -> OrgUnit:
    details = _clean(details)
    if db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == details.code)):
        raise Conflict(f"The unit code {details.code} is already used.")
    parent = get_unit(details.parent_id) if details.parent_id else None
    if parent is None and db.session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))):
        raise ValidationError("Only the administration itself has no parent unit; choose one.")
    unit = OrgUnit(code=details.code, name=details.name, kind=details.kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.depth = (parent.depth + 1) if parent else 0
    db.session.flush()
    record_audit(
        AuditAction.UNIT_CREATED,
        actor_id=actor_id,
        target_type="unit",
        target_id=unit.id,
        summary=f"Created unit {unit.code} {unit.name}",
        after={"code": unit.code, "name": unit.name, "parent_id": details.parent_id},
    )
    return unit


def update_unit(unit: OrgUnit, details: UnitDetails, *, actor_id: int) -> OrgUnit:
    """Rename or move a unit; moving it moves its whole subtree (one UPDATE)."""
    details = _clean(details)
    clash = db.session.scalar(
        select(OrgUnit.id).where(OrgUnit.code == details.code, OrgUnit.id != unit.id)
    )
    if clash:
        raise Conflict(f"The unit code {details.code} is already used.")
    before = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id}
    if details.parent_id != unit.parent_id:
        if unit.parent_id is None:
            raise ValidationError("The administration is the root of the tree; it cannot move.")
        if details.parent_id is None:
            raise ValidationError("Choose the unit this one belongs to.")
        parent = get_unit(details.parent_id)
        if parent.path.startswith(unit.path):
            raise ValidationError("A unit cannot be moved under itself or one of its sub-units.")
        old_path, new_path = unit.path, f"{parent.path}{unit.id}/"
        depth_change = parent.depth + 1 - unit.depth
        db.session.execute(
            update(OrgUnit)
            .where(OrgUnit.path.startswith(old_path, autoescape=True))
            .values(
                path=literal(new_path).concat(func.substr(OrgUnit.path, len(old_path) + 1)),
                depth=OrgUnit.depth + depth_change,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire_all()
        unit = get_unit(unit.id)
        unit.parent_id = parent.id
    unit.code, unit.name, unit.kind = details.code, details.name, details.kind
    db.session.flush()
    after = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id}
    if before != after:
        record_audit(
            AuditAction.UNIT_UPDATED,
            actor_id=actor_id,
            target_type="unit",
            target_id=unit.id,
            summary=f"Updated unit {unit.code}",
            before=before,
            after=after,
        )
    return unit


def save_position(
    position: JobPosition | None, code: str, title: str, description: str, *, actor_id: int | None
) -> JobPosition:
    """Create a position (when `position` is None) or change one."""
    code = code.strip().upper()
    if not code or len(code) > 32:
        raise ValidationError("A position code is 1 to 32 characters.")
    if not title.strip():
        raise ValidationError("A position needs a title.")
    clash = db.session.scalar(
        select(JobPosition.id).where(
            JobPosition.code == code, JobPosition.id != (position.id if position else 0)
        )
    )
    if clash:
        raise Conflict(f"The position code {code} is already used.")
    creating = position is None
    before = None if creating else {"code": position.code, "title": position.title}
    if creating:
        position = JobPosition()
        db.session.add(position)
    position.code, position.title, position.description = code, title.strip(), description.strip()
    db.session.flush()
    after = {"code": position.code, "title": position.title}
    if before != after:  # saving an unchanged form records nothing
        record_audit(
            AuditAction.POSITION_CREATED if creating else AuditAction.POSITION_UPDATED,
            actor_id=actor_id,
            target_type="position",
            target_id=position.id,
            summary=f"{'Created' if creating else 'Updated'} position {code}",
            before=before,
            after=after,
        )
    return position
