"""The skill-gap world of tests/competencies/gap_world.py as a fixture, for the modules that
start from it."""

from __future__ import annotations

import pytest

from tests.competencies.gap_world import World, build_world


@pytest.fixture
def world(db, create_unit, create_user, create_position, root_unit) -> World:
    return build_world(create_unit, create_user, create_position, root_unit)
