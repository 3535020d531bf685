"""Fixtures shared by the platform-core tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms.accounts.imports import create_import
from lms.accounts.models import User
from tests.access_table import RouteTable, all_tables


@dataclass(frozen=True)
class World:
    """One of every object a URL of the app names, and a user per role to visit them."""

    ids: dict[str, int | str]
    users: dict[str, User]
    tables: list[RouteTable]

    def url(self, template: str) -> str:
        return template.format(**self.ids)


@pytest.fixture
def world(create_user, create_unit, create_position, root_unit, db) -> World:
    region = create_unit("R-NORTH", parent=root_unit, kind="region")
    training = create_unit("NTC", parent=root_unit, kind="training_centre")
    position = create_position("INSP")
    users = {
        "officer": create_user("officer@customs.example", roles=("officer",)),
        "trainer": create_user("trainer@customs.example", roles=("trainer",), unit=training),
        "hr": create_user("hr@customs.example", roles=("hr",)),
        "admin": create_user("admin@customs.example", roles=("admin",)),
    }
    target = create_user("target@customs.example", unit=region, position=position)
    csv_text = (
        "email,full_name,service_number,unit_code,position_code,roles\n"
        "new@customs.example,New Officer,SN-NEW-1,R-NORTH,INSP,officer\n"
    )
    user_import, check = create_import(
        csv_text, "staff.csv", actor_id=users["admin"].id, max_rows=100
    )
    assert check.ok
    ids: dict[str, int | str] = {
        "user": target.id,
        "unit": region.id,
        "position": position.id,
        "import": user_import.id,
    }
    tables = all_tables()
    for table in tables:
        ids.update(table.create_objects(users))
    db.session.commit()
    return World(ids, users, tables)
