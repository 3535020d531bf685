"""The audit log: what is recorded, how admins filter it, and that nothing rewrites it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from lms.audit.models import AuditEntry, AuditEntryImmutable
from lms.audit.services import AuditAction, record_audit
from tests.lms.browsing import submit, text_of


@pytest.fixture
def admin(create_user):
    return create_user("admin@customs.example", roles=("admin",))


@pytest.fixture
def admin_browser(admin, login_as):
    return login_as(admin)


def entries(db, action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def edit_roles(browser, user, roles: list[str]):
    return submit(
        browser,
        f"/admin/users/{user.id}",
        {
            "email": user.email,
            "full_name": user.full_name,
            "service_number": user.service_number,
            "unit_id": user.unit_id,
            "position_id": 0,
            "roles": roles,
        },
    )


def test_role_grants_and_removals_are_recorded_with_before_and_after(
    db, admin, admin_browser, create_user
):
    user = create_user("officer@customs.example", roles=("officer",))
    edit_roles(admin_browser, user, ["officer", "hr", "trainer"])
    edit_roles(admin_browser, user, ["trainer"])

    granted = entries(db, "role.granted")
    assert [entry.summary for entry in granted] == [
        "Granted hr to officer@customs.example",
        "Granted trainer to officer@customs.example",
    ]
    assert granted[0].before == {"roles": ["officer"]}
    assert granted[0].after == {"roles": ["hr", "officer", "trainer"]}
    removed = entries(db, "role.removed")
    assert sorted(entry.summary for entry in removed) == [
        "Removed hr from officer@customs.example",
        "Removed officer from officer@customs.example",
    ]
    assert removed[0].before == {"roles": ["hr", "officer", "trainer"]}
    assert removed[0].after == {"roles": ["trainer"]}
    for entry in granted + removed:
        assert entry.actor_id == admin.id
        assert (entry.target_type, entry.target_id) == ("user", user.id)
        assert isinstance(entry.at, datetime)


def test_deactivation_and_reactivation_are_recorded(db, admin, admin_browser, create_user):
    user = create_user("officer@customs.example")
    submit(admin_browser, f"/admin/users/{user.id}/active")
    submit(admin_browser, f"/admin/users/{user.id}/active")
    [deactivated] = entries(db, "user.deactivated")
    assert (deactivated.before, deactivated.after) == ({"active": True}, {"active": False})
    assert deactivated.actor_id == admin.id and deactivated.target_id == user.id
    [reactivated] = entries(db, "user.reactivated")
    assert (reactivated.before, reactivated.after) == ({"active": False}, {"active": True})


def test_a_password_reset_is_recorded_with_before_and_after(
    app, db, admin, admin_browser, create_user, login_as
):
    user = create_user("officer@customs.example")
    login_as(user, on=app.test_client())
    submit(admin_browser, f"/admin/users/{user.id}/password-reset")
    [entry] = entries(db, "password.reset")
    assert entry.actor_id == admin.id and entry.target_id == user.id
    assert entry.before == {"had_password": True, "must_change_password": False}
    assert entry.after == {"must_change_password": True, "sessions_ended": 1}
    assert "temporary" not in str(entry.after)


def test_the_audit_page_shows_who_did_what_and_when(db, admin_browser, create_user):
    user = create_user("officer@customs.example")
    submit(admin_browser, f"/admin/users/{user.id}/active")
    page = text_of(admin_browser.get("/admin/audit/"))
    assert "Deactivated officer@customs.example" in page
    assert "admin@customs.example" in page
    assert '<code>{"active": true}</code>' in page  # before, as JSON
    assert "1 entries" in page


@pytest.fixture
def history(db, admin, create_user):
    """Entries on known days, by two actors."""
    other_admin = create_user("second@customs.example", roles=("admin",))
    specs = [
        (AuditAction.ROLE_GRANTED, admin.id, "user", 7, datetime(2025, 1, 10, 9, 0)),
        (AuditAction.ROLE_REMOVED, admin.id, "user", 7, datetime(2025, 2, 3, 23, 59, 59)),
        (AuditAction.USER_DEACTIVATED, other_admin.id, "user", 8, datetime(2025, 2, 4, 0, 0)),
        (AuditAction.UNIT_CREATED, other_admin.id, "unit", 3, datetime(2025, 3, 1, 12, 0)),
        (AuditAction.USERS_IMPORTED, None, "user_import", 1, datetime(2025, 3, 2, 12, 0)),
    ]
    for action, actor_id, target_type, target_id, at in specs:
        entry = record_audit(
            action,
            actor_id=actor_id,
            target_type=target_type,
            target_id=target_id,
            summary=f"{action} #{target_id}",
        )
        entry.at = at
    db.session.commit()


ALL_ACTIONS = {"role.granted", "role.removed", "user.deactivated", "unit.created", "users.imported"}


FILTERS = (
    ({}, ALL_ACTIONS),
    ({"action": "role.removed"}, {"role.removed"}),
    ({"actor": " SECOND@customs.example "}, {"user.deactivated", "unit.created"}),
    ({"target_type": "user", "target_id": "7"}, {"role.granted", "role.removed"}),
    ({"target_type": "unit"}, {"unit.created"}),
    ({"since": "2025-02-04"}, {"user.deactivated", "unit.created", "users.imported"}),
    ({"until": "2025-02-03"}, {"role.granted", "role.removed"}),
    ({"since": "2025-02-03", "until": "2025-02-04"}, {"role.removed", "user.deactivated"}),
    ({"since": "2025-03-01", "action": "unit.created"}, {"unit.created"}),
    ({"since": "2026-01-01"}, set()),
)


def test_audit_filters(admin_browser, history):
    for query, shown in FILTERS:
        page = text_of(admin_browser.get("/admin/audit/", query_string=query))
        listed = {action for action in ALL_ACTIONS if f"{action} #" in page}
        assert listed == shown, query
        assert f"{len(shown)} entries" in page, query


def test_bad_filters_get_a_message_not_an_error(admin_browser, history):
    for query, message in (
        ({"since": "2025-02-30"}, "Not a valid date value."),
        ({"until": "yesterday"}, "Not a valid date value."),
        ({"since": "0001-01-01", "until": "9999-12-31"}, "5 entries"),
        ({"action": "user.deleted"}, "Not a valid choice."),
        ({"target_type": "<script>"}, "Not a valid choice."),
        ({"target_id": "abc"}, "Not a valid integer value."),
        ({"target_id": "99999999999999999999"}, "Number must be between"),
        ({"actor": "x" * 300}, "cannot be longer than 254 characters"),
        ({"page": "abc"}, "5 entries"),
        ({"page": "99999999999999999999"}, "5 entries"),
    ):
        response = admin_browser.get("/admin/audit/", query_string=query)
        assert response.status_code == 200, query
        assert message in text_of(response), query


def test_an_invalid_filter_leaves_the_others_working(admin_browser, history):
    page = text_of(
        admin_browser.get("/admin/audit/", query_string={"action": "role.removed", "since": "no"})
    )
    assert "Not a valid date value." in page
    assert "1 entries" in page


def test_the_pager_keeps_the_filters_and_ignores_odd_arguments(db, admin_browser, admin):
    for n in range(55):
        record_audit(AuditAction.USER_UPDATED, actor_id=admin.id, target_type="user", target_id=n)
    db.session.commit()
    response = admin_browser.get(
        "/admin/audit/",
        query_string={"action": "user.updated", "endpoint": "x", "_scheme": "javascript"},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Page 1 of 2" in page
    assert "action=user.updated" in page.split('class="pager"')[1]


def test_entries_cannot_be_changed_or_deleted(db, history):
    entry = db.session.scalar(select(AuditEntry))
    entry.summary = "nothing happened"
    with pytest.raises(AuditEntryImmutable):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.scalar(select(AuditEntry)))
    with pytest.raises(AuditEntryImmutable):
        db.session.flush()
    db.session.rollback()

    with pytest.raises(AuditEntryImmutable):
        db.session.execute(update(AuditEntry).values(summary="rewritten"))
    with pytest.raises(AuditEntryImmutable):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()
    assert len(db.session.scalars(select(AuditEntry)).all()) == 5
    assert "nothing happened" not in {e.summary for e in db.session.scalars(select(AuditEntry))}


def test_no_route_can_write_to_the_audit_log(app, admin_browser, history):
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert audit_rules
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    assert submit(admin_browser, "/admin/audit/").status_code == 405
