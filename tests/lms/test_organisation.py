"""The organisation tree, positions, and the workforce page scoped to HR's units."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.organisation.models import JobPosition, OrgUnit
from lms.organisation.services import list_units
from tests.lms.browsing import submit, text_of


@pytest.fixture
def tree(create_unit, root_unit):
    north = create_unit("R-NORTH", name="Northern Region", parent=root_unit, kind="region")
    south = create_unit("R-SOUTH", name="Southern Region", parent=root_unit, kind="region")
    office = create_unit("O-LAKE", name="Lake Office", parent=north)
    post = create_unit("B-PASS", name="Mountain Pass", parent=office, kind="border_post")
    port = create_unit("P-BAY", name="Bay Port", parent=south, kind="port")
    return {"root": root_unit, "north": north, "south": south, "office": office, "post": post,
            "port": port}  # fmt: skip


@pytest.fixture
def admin_browser(create_user, login_as):
    return login_as(create_user("admin@customs.example", roles=("admin",)))


def assert_paths_consistent(db) -> dict[str, OrgUnit]:
    db.session.expire_all()
    units = {unit.id: unit for unit in db.session.scalars(select(OrgUnit))}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == f"{parent.path if parent else '/'}{unit.id}/", unit.code
        assert unit.depth == (parent.depth + 1 if parent else 0), unit.code
    return {unit.code: unit for unit in units.values()}


def unit_form(unit: OrgUnit, **changes) -> dict:
    data = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id}
    data.update(changes)
    return data


def test_moving_a_unit_moves_its_subtree_and_keeps_paths_right(db, admin_browser, tree):
    office, south = tree["office"], tree["south"]
    response = submit(
        admin_browser, f"/admin/units/{office.id}", unit_form(office, parent_id=south.id)
    )
    assert response.status_code == 302
    units = assert_paths_consistent(db)
    assert units["O-LAKE"].parent_id == south.id
    assert units["O-LAKE"].path == f"/{tree['root'].id}/{south.id}/{office.id}/"
    assert units["B-PASS"].path.startswith(units["O-LAKE"].path)
    assert units["B-PASS"].depth == 3
    assert units["R-NORTH"].path == f"/{tree['root'].id}/{tree['north'].id}/"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.updated"))
    assert entry.before["parent_id"] == tree["north"].id
    assert entry.after["parent_id"] == south.id


def test_a_unit_cannot_move_under_itself_or_its_descendants(db, admin_browser, tree):
    north = tree["north"]
    for new_parent in ("north", "office", "post"):
        response = submit(
            admin_browser,
            f"/admin/units/{north.id}",
            unit_form(north, parent_id=tree[new_parent].id),
        )
        assert response.status_code == 200, new_parent
        assert "cannot be moved under itself or one of its sub-units" in text_of(response)
        units = assert_paths_consistent(db)
        assert units["R-NORTH"].parent_id == tree["root"].id


def test_the_root_cannot_move_and_others_need_a_parent(db, admin_browser, tree):
    root, north = tree["root"], tree["north"]
    response = submit(admin_browser, f"/admin/units/{root.id}", unit_form(root, parent_id=north.id))
    assert "it cannot move" in text_of(response)
    response = submit(admin_browser, f"/admin/units/{north.id}", unit_form(north, parent_id=0))
    assert "Choose the unit this one belongs to." in text_of(response)
    assert_paths_consistent(db)


def test_creating_units_through_the_page(db, admin_browser, tree):
    response = submit(
        admin_browser,
        "/admin/units/new",
        {
            "code": " o-river ",
            "name": "River Office",
            "kind": "office",
            "parent_id": tree["south"].id,
        },
    )
    assert response.status_code == 302
    units = assert_paths_consistent(db)
    assert units["O-RIVER"].parent_id == tree["south"].id

    response = submit(
        admin_browser,
        "/admin/units/new",
        {"code": "O-RIVER", "name": "Again", "kind": "office", "parent_id": tree["south"].id},
    )
    assert "The unit code O-RIVER is already used." in text_of(response)
    response = submit(
        admin_browser,
        "/admin/units/new",
        {"code": "SECOND-ROOT", "name": "Another root", "kind": "administration", "parent_id": 0},
    )
    assert "Only the administration itself has no parent unit" in text_of(response)
    assert len(assert_paths_consistent(db)) == 7


def test_bad_unit_input_gets_a_message_and_changes_nothing(db, admin_browser, tree):
    office = tree["office"]
    for changes, message in (
        ({"parent_id": "abc"}, "could not coerce"),
        ({"parent_id": "999999"}, "Not a valid choice"),
        ({"kind": "castle"}, "Not a valid choice"),
        ({"code": ""}, "This field is required."),
        ({"code": "X" * 33}, "cannot be longer than 32 characters"),
    ):
        response = submit(admin_browser, f"/admin/units/{office.id}", unit_form(office, **changes))
        assert response.status_code == 200, changes
        assert message in text_of(response), changes
        units = assert_paths_consistent(db)
        assert units["O-LAKE"].parent_id == tree["north"].id


def test_unknown_units_and_positions_are_404(admin_browser, tree):
    for kind in ("units", "positions"):
        for unit_id in ("0", "999999", "abc", "99999999999999999999"):
            url = f"/admin/{kind}/{unit_id}"
            assert admin_browser.get(url).status_code == 404, url
            assert submit(admin_browser, url, {"code": "X"}).status_code == 404, url


def test_positions_are_created_and_edited_with_unique_codes(db, admin_browser):
    response = submit(
        admin_browser,
        "/admin/positions/new",
        {"code": "insp", "title": "Inspector", "description": "Examines goods."},
    )
    assert response.status_code == 302
    position = db.session.scalar(select(JobPosition))
    assert position.code == "INSP"
    submit(admin_browser, "/admin/positions/new", {"code": "SUP", "title": "Supervisor"})
    response = submit(
        admin_browser, f"/admin/positions/{position.id}", {"code": "SUP", "title": "Inspector"}
    )
    assert "The position code SUP is already used." in text_of(response)
    response = submit(
        admin_browser,
        f"/admin/positions/{position.id}",
        {"code": "INSP", "title": "Senior Inspector", "description": ""},
    )
    assert response.status_code == 302
    db.session.refresh(position)
    assert position.title == "Senior Inspector"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["position.created", "position.created", "position.updated"]


@pytest.fixture
def staff(tree, create_user, create_position):
    inspector = create_position("INSP", "Inspector")
    people = {
        "north_officer": create_user(full_name="Nora North", unit=tree["north"]),
        "lake_officer": create_user(full_name="Lars Lake", unit=tree["office"], position=inspector),
        "pass_officer": create_user(full_name="Petra Pass", unit=tree["post"]),
        "south_officer": create_user(full_name="Sam South", unit=tree["south"]),
        "bay_officer": create_user(full_name="Bea Bay", unit=tree["port"], position=inspector),
    }
    people["north_hr"] = create_user(full_name="Hanna Human", roles=("hr",), unit=tree["north"])
    return people, inspector


def test_hr_sees_only_the_people_of_their_units(app, tree, staff, login_as):
    people, _ = staff
    page = text_of(login_as(people["north_hr"]).get("/workforce"))
    for name in ("Nora North", "Lars Lake", "Petra Pass", "Hanna Human"):
        assert name in page
    for name in ("Sam South", "Bea Bay", "Test User"):
        assert name not in page
    assert "4 people" in page
    assert "Southern Region" not in page  # not even offered as a filter


def test_hr_asking_for_a_unit_outside_their_scope_gets_404(tree, staff, login_as):
    people, _ = staff
    browser = login_as(people["north_hr"])
    for unit in ("south", "port", "root"):
        response = browser.get("/workforce", query_string={"unit": tree[unit].id})
        assert response.status_code == 404, unit
        assert "within your scope" in text_of(response)
        assert "Sam South" not in text_of(response)
    response = browser.get("/workforce", query_string={"unit": "424242"})
    assert response.status_code == 404


def test_hr_filters_within_scope(tree, staff, login_as):
    people, inspector = staff
    browser = login_as(people["north_hr"])
    page = text_of(browser.get("/workforce", query_string={"unit": tree["office"].id}))
    assert "Lars Lake" in page and "Petra Pass" in page and "Nora North" not in page
    page = text_of(browser.get("/workforce", query_string={"position": inspector.id}))
    assert "Lars Lake" in page and "Bea Bay" not in page and "Petra Pass" not in page
    page = text_of(browser.get("/workforce", query_string={"q": "PETRA"}))
    assert "Petra Pass" in page and "Lars Lake" not in page


def test_odd_workforce_queries_get_a_message_not_an_error(tree, staff, login_as):
    people, _ = staff
    browser = login_as(people["north_hr"])
    for query, message in (
        ({"unit": "abc"}, "could not coerce"),
        ({"unit": "1e3"}, "could not coerce"),
        ({"position": "99999999999999999999"}, "Not a valid choice"),
        ({"position": "xyz"}, "could not coerce"),
        ({"q": "x" * 5000}, "cannot be longer than 100 characters"),
        ({"q": "%_%", "page": "-3"}, "0 people"),
        ({"page": "99999999999999999999"}, "people"),
    ):
        response = browser.get("/workforce", query_string=query)
        assert response.status_code == 200, query
        assert message in text_of(response), query
        assert "Sam South" not in text_of(response)


def test_an_admin_sees_the_whole_workforce(tree, staff, admin_browser):
    page = text_of(admin_browser.get("/workforce"))
    for name in ("Nora North", "Sam South", "Bea Bay", "Petra Pass"):
        assert name in page
    page = text_of(admin_browser.get("/workforce", query_string={"unit": tree["south"].id}))
    assert "Sam South" in page and "Bea Bay" in page and "Nora North" not in page


def test_the_overview_counts_active_people_per_unit_and_position(
    tree, staff, create_user, login_as
):
    create_user(full_name="Gone Person", unit=tree["port"], active=False)
    page = text_of(login_as(create_user(roles=("trainer",))).get("/organisation"))
    assert "Bay Port" in page and "Inspector" in page
    assert '<td class="num">2</td>' in page  # two active inspectors


def test_units_list_in_tree_order_whatever_the_databases_collation(db, create_unit, root_unit):
    """Unit 9 under unit 2, and a unit 23 beside it: a language collation that ignores the
    slashes (most PostgreSQL servers'; the PostgreSQL run's database has one) would list 23
    between 2 and 9. Each unit must come right before its whole subtree."""
    units = {1: root_unit}
    for _ in range(2, 24):
        parent = units[2] if len(units) + 1 == 9 else root_unit
        unit = create_unit(f"U{len(units) + 1}", parent=parent)
        units[unit.id] = unit
    assert units[9].path == "/1/2/9/" and units[23].path == "/1/23/"
    listed = [unit.path for unit in list_units()]
    for index, path in enumerate(listed):
        subtree = [other for other in listed if other.startswith(path)]
        assert listed[index : index + len(subtree)] == subtree, path
