"""The HR skill-gap matrix pages: heat map, roll-ups, drill-down, readiness, filters, HR's
scope, and the same number of queries for 500 officers as for 10."""

from __future__ import annotations

import re

import pytest

from tests.competencies.gap_world import (
    add_officers,
    counting_queries,
    get_ok,
    row_of,
    set_level,
    text_of,
)

# --- the pages ---------------------------------------------------------------------------------


def test_officers_view_shows_levels_gaps_and_not_required(world, client, login_as, create_user):
    set_level(world.officer, "P-STD", 3, world)
    set_level(world.officer, "P-INT", 1, world)
    create_user("nopost@customs.example", unit=world.north_office, full_name="Noor Noposition")
    login_as(world.admin)
    html = get_ok(client, "/matrix")
    amina = row_of(html, "Amina Northport")
    assert "3/2* ✓" in amina and "1/2* −1" in amina and "0/3 −3" in amina
    assert 'class="gap-3"' in amina and 'class="gap-1"' in amina
    assert row_of(html, "Noor Noposition").count('class="gap-none"') == 3
    assert "Sipho Southborder" in html  # the admin sees every region
    # Columns are grouped by principle: P-INT before P-STD; the legend explains the colours.
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.index("P-INT") < head.index("P-STD")
    assert "three or more levels short" in html
    assert 'style="' not in html  # the CSP forbids inline styles


def test_officers_are_paged_fifty_at_a_time(world, client, login_as):
    add_officers(55, unit=world.north_office, position=world.position, levels={}, prefix="pg")
    login_as(world.hr_north)
    first = get_ok(client, "/matrix")
    assert "56 officers" in first and "Page 1 of 2" in first
    assert first.count("/profile/") == 50
    second = get_ok(client, "/matrix?page=2")
    assert second.count("/profile/") == 6


def test_units_view_rolls_up_by_region_and_links_to_officers(world, client, login_as):
    set_level(world.officer, "P-STD", 2, world)
    login_as(world.admin)
    html = get_ok(client, "/matrix?group=unit")
    north = row_of(html, "Northern Region")
    south = row_of(html, "Southern Region")
    total = row_of(html, "All of National Customs Administration")
    standards = world.competencies["P-STD"].id
    # Per region, P-STD: the north officer meets it (100%), the south one does not.
    assert "100%" in north and "0 below" in north
    assert "0%" in south and "1 below" in south
    assert "50%" in total and "1 below" in total
    link = re.search(
        rf'href="(/matrix/cell\?[^"]*competency={standards}[^"]*unit={world.south.id}[^"]*)"',
        south.replace("&amp;", "&"),
    )
    assert link, south
    drill = get_ok(client, link.group(1))
    assert "Sipho Southborder" in drill and "Amina Northport" not in drill
    # A region's name descends into its offices.
    offices = get_ok(client, f"/matrix?group=unit&unit={world.north.id}")
    assert "North Port" in row_of(offices, "North Port")


def test_rollup_gives_share_mean_gap_and_below_per_competency(world, client, login_as):
    set_level(world.officer, "P-STD", 2, world)
    set_level(world.south_officer, "P-STD", 1, world)
    login_as(world.admin)
    html = get_ok(client, "/matrix/rollup")
    standards = text_of(row_of(html, 'class="code">P-STD<'))
    assert "2 1 (50%) 0.50 1" in standards  # posts, meeting (share), mean gap, below
    tariff = text_of(row_of(html, 'class="code">OPS-TAR<'))
    assert "2 0 (0%) 3.00 2" in tariff
    # By region: the southern region alone.
    south_page = get_ok(client, f"/matrix/rollup?unit={world.south.id}")
    south = text_of(row_of(south_page, 'class="code">P-STD<'))
    assert "1 0 (0%) 1.00 1" in south


def test_readiness_shows_the_share_proficient_per_principle(world, client, login_as):
    set_level(world.officer, "P-STD", 2, world)
    set_level(world.south_officer, "P-STD", 1, world)
    login_as(world.hr_north)
    html = get_ok(client, "/matrix/readiness")
    assert "<svg" in html and 'role="img"' in html
    # P-STD is served by P-STD itself and by OPS-TAR (Standardization, Predictability).
    row = text_of(row_of(html, "P-STD Standardization"))
    assert "2 1 50%" in row  # the north officer only: P-STD proficient, OPS-TAR not
    assert "P-FAC" in html and "no required posts" in html
    link = re.search(r'href="(/matrix/cell\?[^"]*principle=P-STD[^"]*)"', html)
    listing = get_ok(client, link.group(1).replace("&amp;", "&"))
    assert "Amina Northport" in listing and "Tariff" in listing


def test_drill_down_lists_the_officers_below_a_requirement(world, client, login_as):
    set_level(world.officer, "P-STD", 2, world)
    login_as(world.admin)
    standards = world.competencies["P-STD"].id
    below = get_ok(client, f"/matrix/cell?competency={standards}&status=below")
    assert "Sipho Southborder" in below and "Amina Northport" not in below
    assert "1 officer" in below
    meeting = get_ok(client, f"/matrix/cell?competency={standards}&status=meeting")
    assert "Amina Northport" in meeting and "Sipho Southborder" not in meeting
    assert client.get("/matrix/cell?competency=999999").status_code == 404
    assert client.get(f"/matrix/cell?competency={standards}&status=bogus").status_code == 404


def test_filters_by_position_principle_and_framework(
    world, client, login_as, create_position, create_user
):
    other = create_position("TRAINEE", "Customs officer trainee")
    create_user("tina@customs.example", unit=world.north_office, position=other, full_name="Tina")
    login_as(world.admin)
    by_position = get_ok(client, f"/matrix?position={world.position.id}")
    assert "Amina Northport" in by_position and "Tina" not in by_position
    by_principle = get_ok(client, "/matrix?principle=P-INT")
    head = by_principle.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "P-INT" in head and "P-STD" not in head and "OPS-TAR" not in head
    operational = world.competencies["OPS-TAR"].framework_id
    head = get_ok(client, f"/matrix?framework={operational}").split("</thead>", 1)[0]
    assert "OPS-TAR" in head and ">P-INT<" not in head
    # A value that is not a choice is shown with its message and not applied.
    bad = get_ok(client, "/matrix?position=abc&principle=NOPE")
    assert "Not a valid choice" in bad or "could not coerce" in bad
    assert "Amina Northport" in bad and "Tina" in bad


def test_officers_and_trainers_cannot_open_the_matrix(world, client, app, login_as):
    login_as(world.officer)
    for url in ("/matrix", "/matrix/rollup", "/matrix/readiness", "/matrix/cell",
                "/matrix/export.csv"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    trainer = app.test_client()
    login_as(world.trainer, on=trainer)
    assert trainer.get("/matrix").status_code == 403


# --- done-when 5: HR sees its own scope only ----------------------------------------------------


def test_hr_sees_only_its_region_everywhere(world, client, login_as):
    login_as(world.hr_north)
    standards = world.competencies["P-STD"].id
    pages = {
        "/matrix": get_ok(client, "/matrix"),
        "units": get_ok(client, "/matrix?group=unit"),
        "cell": get_ok(client, f"/matrix/cell?competency={standards}&status=all"),
        "export": get_ok(client, "/matrix/export.csv?view=officers"),
        "cell export": get_ok(
            client, f"/matrix/export.csv?view=cell&competency={standards}&status=all"
        ),
    }
    for name, body in pages.items():
        assert "Amina Northport" in body or "North Port" in body, name
        assert "Sipho Southborder" not in body and "Southern Region" not in body, name
    # The region's own unit list offers no unit of the other region.
    assert "South Border Post" not in pages["/matrix"]
    for url in (
        f"/matrix?unit={world.south.id}",
        f"/matrix?group=unit&unit={world.south_office.id}",
        f"/matrix/rollup?unit={world.south.id}",
        f"/matrix/readiness?unit={world.root.id}",
        f"/matrix/cell?competency={standards}&unit={world.south.id}",
        f"/matrix/export.csv?view=officers&unit={world.south.id}",
        f"/matrix/export.xlsx?view=cell&unit={world.south.id}",
        f"/profile/{world.south_officer.id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
    refused = client.get(f"/matrix?unit={world.south.id}").get_data(as_text=True)
    assert f"There is no unit {world.south.id} within your scope." in refused


# --- done-when 4: the same number of queries for 10 officers as for 500 -------------------------


def matrix_urls(world) -> dict[str, str]:
    standards = world.competencies["P-STD"].id
    return {
        "officers": "/matrix",
        "units": "/matrix?group=unit",
        "units of a region": f"/matrix?group=unit&unit={world.north.id}",
        "roll-up": "/matrix/rollup",
        "readiness": "/matrix/readiness",
        "drill-down": f"/matrix/cell?competency={standards}&status=below",
        "drill-down by principle": "/matrix/cell?principle=P-STD&status=not_proficient",
        "export": "/matrix/export.csv?view=officers",
        "profile": f"/profile/{world.officer.id}",
    }


def query_counts(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with counting_queries() as counted:
            get_ok(client, url)
        counts[name] = counted.count
        touched = " ".join(counted.statements).lower()
        if name != "profile":  # the matrix reads current levels, never attempts or evidence
            assert "attempts" not in touched and "evidence" not in touched, name
    return counts


@pytest.mark.parametrize("viewer", ["hr_north", "admin"])
def test_matrix_pages_run_as_many_queries_for_500_officers_as_for_10(
    world, client, login_as, viewer
):
    levels = {world.competencies[code].id: 1 for code in ("P-STD", "P-INT", "OPS-TAR")}
    add_officers(9, unit=world.north_office, position=world.position, levels=levels, prefix="a")
    login_as(getattr(world, viewer))
    south = 1 if viewer == "admin" else 0  # the admin also sees the southern officer
    urls = matrix_urls(world)
    assert f"{10 + south} officers" in get_ok(client, "/matrix")
    few = query_counts(client, urls)
    add_officers(490, unit=world.north_office, position=world.position, levels=levels, prefix="b")
    assert f"{500 + south} officers" in get_ok(client, "/matrix")
    many = query_counts(client, urls)
    assert many == few
