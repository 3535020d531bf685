"""Level descriptors where people judge levels: the officer's profile, the trainer's rating
form and the matrix drill-down."""

from __future__ import annotations

import re

import pytest

from competencies.descriptors import DESCRIPTORS
from competencies.services.descriptors import fill_default_descriptors
from lms.extensions import db
from tests.competencies.gap_world import get_ok, row_of, set_level, text_of


@pytest.fixture
def described(world):
    """The skill-gap world after `load-defaults` wrote the default descriptors."""
    fill_default_descriptors()
    db.session.commit()
    return world


def _detail_after(html: str, name: str) -> str:
    """The profile's detail row that follows the row of competency `name`."""
    body = html.split(row_of(html, name), 1)[1]
    return text_of(body.split("</tbody>", 1)[0])


def test_the_profile_says_what_the_current_and_the_required_level_mean(described, client, login_as):
    world = described
    set_level(world.officer, "P-STD", 1, world)
    set_level(world.officer, "P-INT", 2, world)
    login_as(world.officer)
    page = get_ok(client, "/profile")

    standards = _detail_after(page, "Standardization")
    assert f"Current level, 1 · Aware: {DESCRIPTORS['P-STD'][0]}" in standards
    assert f"Required level, 2 · Trained: {DESCRIPTORS['P-STD'][1]}" in standards
    integrity = _detail_after(page, "Integrity")
    assert f"Current and required level, 2 · Trained: {DESCRIPTORS['P-INT'][1]}" in integrity
    assert DESCRIPTORS["P-INT"][0] not in integrity  # only the levels that matter here
    tariff = _detail_after(page, "Tariff and classification")
    assert "Current level" not in tariff  # nothing demonstrated yet
    assert f"Required level, 3 · Advanced: {DESCRIPTORS['OPS-TAR'][2]}" in tariff
    assert "Rate " not in page  # an officer does not rate


def test_the_rating_form_shows_the_chosen_competencys_four_descriptors(described, client, login_as):
    world = described
    login_as(world.trainer)
    tariff = world.competencies["OPS-TAR"]
    profile_url = f"/profile/{world.officer.id}"
    page = get_ok(client, profile_url)
    link = f"{profile_url}?rate={tariff.id}#rate-heading"
    assert f'href="{link}"' in page  # each row offers to rate its competency

    page = get_ok(client, f"{profile_url}?rate={tariff.id}")
    form = page.split('id="rate-heading"', 1)[1]
    assert re.search(rf'<option selected value="{tariff.id}">', form)
    shown = re.search(rf'<section data-competency="{tariff.id}">(.*?)</section>', form, re.S)
    assert shown, "the chosen competency's descriptors are not shown"
    text = text_of(shown.group(1))
    assert "What each level of Tariff and classification means" in text
    for level, (name, descriptor) in enumerate(
        zip(("Aware", "Trained", "Advanced", "Expert"), DESCRIPTORS["OPS-TAR"], strict=True),
        start=1,
    ):
        assert f"{level} · {name} {descriptor}" in text
    others = re.findall(r'<section data-competency="(\d+)" hidden>', form)
    assert str(world.competencies["OPS-VAL"].id) in others  # hidden until chosen
    assert '<script src="/static/rating-levels.js" defer></script>' in page
    with client.get("/static/rating-levels.js") as script:
        assert script.status_code == 200 and b'addEventListener("change"' in script.data


def test_the_drill_down_says_what_the_required_level_means(described, client, login_as):
    world = described
    login_as(world.hr_north)
    standards = world.competencies["P-STD"].id
    page = text_of(get_ok(client, f"/matrix/cell?competency={standards}&status=below"))
    assert "What the required level means" in page
    assert f"level 2 · Trained {DESCRIPTORS['P-STD'][1]}" in page
    assert DESCRIPTORS["P-STD"][2] not in page  # no one on the page needs level 3

    everything = text_of(get_ok(client, "/matrix/cell?status=all"))
    assert "What the required levels mean" in everything
    assert f"OPS-TAR Tariff and classification, level 3 · Advanced {DESCRIPTORS['OPS-TAR'][2]}" in (
        everything
    )


def test_pages_without_descriptors_show_no_empty_explanations(app, world, client, login_as):
    """An installation whose competencies have no descriptors yet shows nothing in their place."""
    login_as(world.officer)
    page = text_of(get_ok(client, "/profile"))
    assert "Required level," not in page and "Current level," not in page
    hr = login_as(world.hr_north, on=app.test_client())
    standards = world.competencies["P-STD"].id
    cell = text_of(get_ok(hr, f"/matrix/cell?competency={standards}&status=below"))
    assert "What the required level means" not in cell
