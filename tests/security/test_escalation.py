"""Nobody gives themselves more than they were given.

A trainer, HR or an officer posting to the admin's account and role endpoints (for themselves
or anyone), or a trainer posting to another training unit's course, is refused and nothing
changes; fields a form does not offer (roles, unit, owner) are ignored; and a role an admin
removes is gone on the user's very next request, whatever the role.

Also proving these points elsewhere: tests/courses/test_authoring_access.py (every authoring
route of another unit's course, GET and POST, answers 403), tests/lms/test_admin_users.py (an
admin cannot remove their own admin role).
"""

from __future__ import annotations

from sqlalchemy import select

from courses.learning.models import Course
from lms.accounts.models import User
from tests.conftest import PASSWORD
from tests.lms.test_admin_users import user_form
from tests.security.conftest import Cast
from tests.security.helpers import browser_as, fingerprint, token_of

EVERY_ROLE = ["officer", "trainer", "hr", "admin"]
CLIMBERS = ("officer A", "trainer A", "HR of the north")


def admin_endpoints(cast: Cast, climber: User) -> list[tuple[str, dict]]:
    """The account and organisation endpoints, aimed at the climber themselves and at
    others, with forms that would make them (or a new account) an administrator."""
    promote_self = user_form(climber, roles=EVERY_ROLE)
    return [
        (f"/admin/users/{climber.id}", promote_self),
        (f"/admin/users/{cast.officer_b.id}", user_form(cast.officer_b, roles=EVERY_ROLE)),
        (
            "/admin/users/new",
            {
                "email": "sleeper@customs.example",
                "full_name": "Sleeper Agent",
                "service_number": "SN-SLEEP",
                "unit_id": climber.unit_id,
                "roles": EVERY_ROLE,
            },
        ),
        (f"/admin/users/{cast.admin.id}/active", {}),
        (f"/admin/users/{cast.admin.id}/password-reset", {}),
        (f"/admin/users/{climber.id}/password-reset", {}),
        ("/admin/units/new", {"code": "MINE", "name": "My own unit", "kind": "office"}),
        (f"/admin/units/{cast.ids['south']}", {"code": "R-SOUTH", "name": "Taken"}),
    ]


def test_no_one_but_an_admin_can_grant_roles_or_manage_accounts(app, db, cast: Cast, login_as):
    before = fingerprint(db)
    for name in CLIMBERS:
        climber = cast.attackers[name]
        browser = browser_as(app, login_as, climber)
        token = token_of(browser, "/me")
        roles_before = set(climber.roles)
        for url, data in admin_endpoints(cast, climber):
            response = browser.post(url, data={**data, "csrf_token": token})
            assert response.status_code == 403, (name, url)
        # Still what they were, and nothing more, on their next requests.
        assert browser.get("/admin/").status_code == 403, name
        db.session.expire_all()
        assert set(db.session.get(User, climber.id).roles) == roles_before, name
    sessions = "user_sessions"  # signing the climbers in is all that changed
    assert {k: v for k, v in fingerprint(db).items() if k != sessions} == {
        k: v for k, v in before.items() if k != sessions
    }


def test_a_trainer_cannot_make_themselves_hr_or_admin_through_any_form_they_may_use(
    app, db, cast: Cast, login_as
):
    """Fields a form does not offer are ignored: a password change carrying `roles`, `active`
    and `unit_id` changes the password only; a new course claiming another unit's ownership
    lands in the trainer's own unit."""
    trainer = cast.trainer_a
    browser = browser_as(app, login_as, trainer)
    extra = {
        "roles": ["admin", "hr"],
        "role": "admin",
        "is_admin": "y",
        "active": "y",
        "unit_id": str(cast.ids["south"]),
        "training_unit_id": str(cast.trainer_b.unit_id),
    }
    new_password = "a brand new passphrase of mine"
    response = browser.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "confirm_password": new_password,
            "csrf_token": token_of(browser, "/account/password"),
            **extra,
        },
    )
    assert response.status_code == 302
    response = browser.post(
        "/author/courses/new",
        data={
            "code": "CLIMB-1",
            "title": "Whose course?",
            "summary": "",
            "csrf_token": token_of(browser, "/author/courses/new"),
            **extra,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    refreshed = db.session.get(User, trainer.id)
    assert (refreshed.roles, refreshed.unit_id) == ({"trainer"}, trainer.unit_id)
    course = db.session.scalar(select(Course).where(Course.code == "CLIMB-1"))
    assert course.training_unit_id == trainer.unit_id
    for url in ("/admin/", "/workforce", "/matrix", "/frameworks/"):
        assert browser.get(url).status_code == 403, url


def test_a_trainer_cannot_edit_another_units_course(app, db, cast: Cast, login_as):
    """Trainer A against trainer B's draft: every form of the course, refused."""
    ids = cast.ids
    browser = browser_as(app, login_as, cast.trainer_a)
    token = token_of(browser, "/author/courses")
    course = f"/author/courses/{ids['b_draft']}"
    before = fingerprint(db)
    for url, data in (
        (f"{course}/details", {"code": "SOUTH-DRAFT", "title": "Taken over"}),
        (f"{course}/status", {"status": "published"}),
        (f"{course}/modules/new", {"title": "Mine", "principles": ["P-INT"]}),
        (f"{course}/modules/{ids['b_draft_module']}", {"title": "Mine"}),
        (f"{course}/lessons/{ids['b_draft_lesson']}", {"title": "Mine", "markdown": "x"}),
        (f"{course}/questions/{ids['b_draft_question']}", {"text": "Mine"}),
        (f"{course}/items/{ids['b_draft_lesson']}/delete", {}),
        (f"{course}/modules/{ids['b_draft_module']}/move", {"direction": "up"}),
    ):
        response = browser.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 403, url
    assert fingerprint(db) == before
    listing = browser.get("/author/courses").get_data(as_text=True)
    assert "SOUTH-DRAFT" not in listing


ROLE_HOMES = {
    "officer": "/my/learning",
    "trainer": "/author/courses",
    "hr": "/workforce",
    "admin": "/admin/users",
}


def test_a_removed_role_is_gone_on_the_next_request(app, db, create_user, login_as, cast: Cast):
    """Extends tests/lms/test_admin_users.py's HR case to every role: the user stays signed
    in, and the next request already lacks the role."""
    admin = browser_as(app, login_as, cast.admin)
    for role, home in ROLE_HOMES.items():
        other = "trainer" if role == "officer" else "officer"
        user = create_user(f"losing.{role}@customs.example", roles=(role, other))
        browser = browser_as(app, login_as, user)
        assert browser.get(home).status_code == 200, role
        response = admin.post(
            f"/admin/users/{user.id}",
            data={**user_form(user, roles=[other]), "csrf_token": token_of(admin, "/admin/")},
        )
        assert response.status_code == 302, role
        assert browser.get(home).status_code == 403, role
        assert browser.get("/me").status_code == 200, role  # still signed in, with the rest
        db.session.expire_all()
        assert set(db.session.get(User, user.id).roles) == {other}, role
