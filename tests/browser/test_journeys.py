"""The journeys people make, in Chromium against the real server and worker processes
(tests/browser/conftest.py): an officer completes a course and downloads the certificate, a
trainer builds, publishes and assigns a course, HR filters the skills matrix, drills down and
exports. Every page on the way passes the accessibility check and is saved as a screenshot
under tests/browser/screenshots/<journey>/.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import Engine, select

from courses.learning.models import Attempt
from tests.browser.journey import Journey

try:
    from playwright.sync_api import Locator, expect
except ImportError:  # the `chromium` fixture skips, or fails in CI, saying why
    Locator = expect = None

pytestmark = [pytest.mark.browser, pytest.mark.services]

# Demo logins, as README.md lists them.
OFFICER = ("officer@customs.example", "Harbour-Manifest-71")
TRAINER = ("trainer@customs.example", "Lesson-Compass-38")
HR = ("hr@customs.example", "Workforce-Atlas-54")

# A catalogue course the demo officer has not started, which builds a competency their
# position (customs officer, clearance) requires and they have no level in yet.
COURSE_TITLE = "Predictability: applying the law uniformly and stably"
COMPETENCY = "P-PRE"
CERTIFICATE_WAIT_SECONDS = 30


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """What a browser's textContent gives for this HTML, with whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return squash("".join(parser.parts))


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def sign_in(journey: Journey, email: str, password: str) -> None:
    page = journey.page
    page.goto("/login")
    journey.step("sign-in page")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    journey.signed_in = True


def main_nav(journey: Journey, label: str) -> None:
    journey.page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()


# --- the officer ---------------------------------------------------------------------------


def course_progress(journey: Journey) -> int:
    bar = journey.page.get_by_role("progressbar", name="Course progress")
    return int(bar.get_attribute("value"))


def profile_cells(journey: Journey, code: str) -> tuple[str, str]:
    """The current level and the gap shown on the profile for competency `code`."""
    row = journey.page.locator("tbody.profile-line > tr").filter(
        has=journey.page.locator("th span.code", has_text=re.compile(rf"^{re.escape(code)}$"))
    )
    expect(row).to_have_count(1)
    cells = row.locator("td")
    return squash(cells.nth(0).text_content()), squash(cells.nth(2).text_content())


def answer(question: Locator, entry: dict[str, Any]) -> None:
    """Answer one question as an officer who knows the bank would, through the page's own
    controls: the key comes from the attempt's snapshot, which the page never carries."""
    frozen, qtype = entry["frozen"], entry["qtype"]
    if qtype == "single_choice":
        best = max(frozen["choices"], key=lambda choice: choice["fraction"])
        question.get_by_role("radio", name=plain_text(best["html"]), exact=True).check()
    elif qtype == "multiple_response":
        for choice in (c for c in frozen["choices"] if c["fraction"] > 0):
            question.get_by_role("checkbox", name=plain_text(choice["html"]), exact=True).check()
    elif qtype == "true_false":
        question.get_by_role("radio", name="True" if frozen["answer"] else "False").check()
    elif qtype == "matching":
        for prompt in frozen["prompts"]:
            value = f"{prompt['id']}:{prompt['answer']}"
            question.locator(f"select:has(option[value='{value}'])").select_option(value=value)
    elif qtype == "numeric":
        best = max(frozen["answers"], key=lambda a: a["fraction"])
        question.get_by_role("textbox").fill(f"{best['value']:g}")
    else:
        best = max(frozen["answers"], key=lambda a: a["fraction"])
        question.get_by_role("textbox").fill(best["text"])


def pass_quiz(journey: Journey, database: Engine, title: str) -> None:
    page = journey.page
    page.get_by_role("button", name=re.compile(r"^Start attempt")).click()
    journey.step(f"attempt at {title}")
    attempt_id = int(re.search(r"/attempts/(\d+)$", page.url).group(1))
    with database.connect() as connection:
        snapshot = connection.execute(
            select(Attempt.snapshot).where(Attempt.id == attempt_id)
        ).scalar_one()
    shown = squash(page.locator("main").text_content())
    for entry in snapshot:  # the key stays on the server: no choice's feedback is on the page
        for choice in entry["frozen"].get("choices", []):
            feedback = plain_text(choice.get("feedback_html", ""))
            assert not feedback or feedback not in shown, f"feedback on the quiz page: {feedback}"
    by_text = {plain_text(entry["text_html"]): entry for entry in snapshot}
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(len(snapshot))
    for n in range(len(snapshot)):
        question = page.get_by_role("group", name=f"Question {n + 1} of {len(snapshot)}")
        text = squash(question.locator(".question-text").text_content())
        assert text in by_text, f"question {n + 1} on the page is not in the attempt: {text!r}"
        answer(question, by_text.pop(text))
    page.get_by_role("button", name="Submit my answers").click()
    journey.step(f"result of {title}")
    expect(page.locator(".score-value")).to_have_text("100%")
    expect(page.locator(".score-line strong.status-done")).to_have_text("passed")


def test_officer_completes_a_course_sees_the_level_and_downloads_the_certificate(
    open_journey, platform_database
):
    journey = open_journey("officer")
    page = journey.page
    sign_in(journey, *OFFICER)
    expect(page).to_have_url(re.compile(r"/my/learning$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    journey.step("my learning")

    main_nav(journey, "My competencies")
    journey.step("competencies before the course")
    level_before, gap_before = profile_cells(journey, COMPETENCY)
    assert level_before == "none yet", level_before
    assert "short" in gap_before, gap_before

    main_nav(journey, "Catalogue")
    journey.step("catalogue")
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    journey.step("course outline")
    progress = [course_progress(journey)]
    assert progress == [0]

    page.get_by_role("link", name="Start the course").click()
    while True:
        title = squash(page.get_by_role("heading", level=1).text_content())
        if page.get_by_role("button", name=re.compile(r"^Start attempt")).count():
            journey.step(f"quiz {title}")
            pass_quiz(journey, platform_database, title)
            page.locator("nav.breadcrumb").get_by_role("link", name=title).click()
            expect(page.get_by_text("passed", exact=True)).to_be_visible()
            journey.step(f"quiz {title} passed", screenshot=False)
        else:
            expect(page.locator("article.lesson")).not_to_be_empty()
            expect(page.get_by_text("This lesson is marked as read.")).to_be_visible()
            journey.step(f"lesson {title}")
        progress.append(course_progress(journey))
        following = page.locator("a[rel=next]")
        if not following.count():
            break
        following.click()

    assert progress == sorted(progress), f"the progress bar went back: {progress}"
    assert progress[-1] == 100 and len(set(progress)) > 3, progress

    page.locator("nav.item-nav").get_by_role("link", name="Course outline").click()
    expect(page.get_by_text("You completed this course on")).to_be_visible()
    expect(page.locator(".course-state .progress-text")).to_contain_text("Complete")
    journey.step("course complete")

    main_nav(journey, "My competencies")
    journey.step("competencies after the course")
    level_after, gap_after = profile_cells(journey, COMPETENCY)
    # The assessment draws 3 questions of P-PRE at each of levels 1 to 3 (its course.json):
    # every answer right evidences level 3.
    assert level_after.startswith("3 · Advanced"), level_after
    assert gap_after == "✓ met", gap_after

    # The certificate is issued by the worker process after the completing commit.
    main_nav(journey, "My certificates")
    pdf_link = page.get_by_role("link", name=f"PDF {COURSE_TITLE}")
    journey.step("certificate being issued", screenshot=not pdf_link.count())
    deadline = time.monotonic() + CERTIFICATE_WAIT_SECONDS
    while not pdf_link.count():
        assert time.monotonic() < deadline, (
            f"no certificate after {CERTIFICATE_WAIT_SECONDS} s; "
            f"the page says: {squash(page.locator('main').text_content())[:500]}"
        )
        page.wait_for_timeout(1000)
        page.reload()
        journey.step("certificates, waiting", screenshot=False)
    journey.step("certificate issued")
    with page.expect_download() as download_info:
        pdf_link.click()
    download = download_info.value
    assert re.fullmatch(r"certificate-[A-Z0-9-]+\.pdf", download.suggested_filename)
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:], pdf[:64]
    assert len(pdf) > 2_000

    journey.finish()


# --- the trainer ---------------------------------------------------------------------------

NEW_COURSE = {
    "code": "P-BRW-101",
    "title": "Border release without delay",
    "summary": "How a release decision is taken, recorded and explained within the hour.",
}
LESSON_MARKDOWN = """## Why release time matters

Traders plan around **predictable** release times. A release is:

- taken on the declaration and the risk result,
- recorded with its reason,
- explained on request.
"""


def test_trainer_builds_publishes_and_assigns_a_course(open_journey):
    journey = open_journey("trainer")
    page = journey.page
    sign_in(journey, *TRAINER)
    expect(page).to_have_url(re.compile(r"/author/courses$"))
    journey.step("authoring")

    page.get_by_role("link", name="New course").click()
    journey.step("new course")
    page.get_by_label("Code").fill(NEW_COURSE["code"])
    page.get_by_label("Title").fill(NEW_COURSE["title"])
    page.get_by_label("Summary").fill(NEW_COURSE["summary"])
    page.get_by_label("Certificate validity (months)").fill("24")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_COURSE["title"])
    journey.step("course outline")

    page.get_by_role("link", name="Add a module").click()
    journey.step("new module")
    page.get_by_label("Title").fill("Taking the release decision")
    page.get_by_role("group", name="Reform principles this module builds").get_by_role(
        "checkbox", name=re.compile(r"^P-PRE ")
    ).check()
    page.get_by_label("Competency codes").fill("P-PRE, OPS-BUS")
    page.get_by_role("button", name="Save").click()
    module = page.locator("li.author-module", has_text="Taking the release decision")
    expect(module.locator(".module-alignment").first).to_contain_text("P-PRE")
    journey.step("module added")

    module.get_by_role("link", name="Add a lesson").click()
    journey.step("new lesson")
    page.get_by_label("Title").fill("Release within the hour")
    page.get_by_label("Lesson text (Markdown)").fill(LESSON_MARKDOWN)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section.author-preview")
    expect(preview.get_by_role("heading", name="Why release time matters")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("predictable")
    expect(preview.locator("li")).to_have_count(3)
    journey.step("lesson preview")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson “Release within the hour” saved")
    journey.step("lesson saved")

    module.get_by_role("link", name="Add a quiz").click()
    journey.step("new quiz")
    page.get_by_label("Title").fill("Check: release decisions")
    page.get_by_label("Pass mark (%)").fill("50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Quiz “Check: release decisions” saved")
    journey.step("quiz saved")

    page.get_by_role("link", name="Question bank (0)").click()
    journey.step("question bank")
    page.get_by_role("link", name="New question", exact=True).click()
    journey.step("new single-choice question")
    page.get_by_label("Question text (Markdown)").fill(
        "What must be recorded with every release decision?"
    )
    page.get_by_label("Proficiency level tested").select_option(label="1 Aware")
    page.get_by_label("Competency code").fill("P-PRE")
    for n, (text, weight) in enumerate(
        (("Its reason", "100"), ("The officer's opinion of the trader", "0")), start=1
    ):
        page.get_by_label(f"Choice {n} text").fill(text)
        page.get_by_label(f"Choice {n} weight in percent").fill(weight)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Question saved.")
    journey.step("first question saved")

    page.get_by_role("link", name="New: True or false").click()
    journey.step("new true-or-false question")
    page.get_by_label("Question text (Markdown)").fill(
        "A trader may ask why their goods were held for examination."
    )
    page.get_by_label("Proficiency level tested").select_option(label="1 Aware")
    page.get_by_label("Competency code").fill("P-PRE")
    page.get_by_label("The statement is").select_option(label="True")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Question saved.")
    expect(page.locator("table.author-bank tbody tr")).to_have_count(2)
    journey.step("second question saved")

    page.locator("nav.breadcrumb").get_by_role("link", name=re.compile(NEW_COURSE["code"])).click()
    journey.step("outline before publishing")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text("Course published: officers can now find it.")
    expect(page.locator(".author-status")).to_have_text("Published")
    journey.step("published")

    main_nav(journey, "Assignments")
    journey.step("assignments")
    page.get_by_role("link", name="Assign a curriculum or a course").click()
    journey.step("assign form")
    page.get_by_label("What to assign").select_option(
        label=f"Course: {NEW_COURSE['code']} · {NEW_COURSE['title']}"
    )
    page.get_by_role("radio", name="An organisation unit").check()
    unit = page.get_by_label("Unit", exact=True)
    unit.select_option(unit.locator("option", has_text="(NGO)").get_attribute("value"))
    page.get_by_role("radio", name="On a fixed date").check()
    due = date.today() + timedelta(days=30)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Assign").click()
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile(r"^Assigned to \d+ officers\.$"))
    assigned = int(re.search(r"\d+", status.text_content()).group())
    assert assigned > 0
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_COURSE["title"])
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Northgate Customs Office")
    expect(facts).to_contain_text(f"by {due.isoformat()}")
    members = page.locator("section", has=page.locator("#members-heading")).locator("tbody tr")
    expect(members).to_have_count(assigned)
    for n in range(assigned):
        cells = members.nth(n).locator("td")
        expect(cells.nth(2)).to_have_text("Northgate Customs Office")
        expect(cells.nth(4)).to_have_text(due.isoformat())
    journey.step("assigned")

    journey.finish()


# --- HR ------------------------------------------------------------------------------------


def test_hr_filters_the_matrix_drills_down_and_exports(open_journey):
    journey = open_journey("hr")
    page = journey.page
    sign_in(journey, *HR)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.step("landing")

    main_nav(journey, "Skills matrix")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills matrix")
    journey.step("matrix")

    unit = page.get_by_label("Unit (with its sub-units)")
    unit.select_option(unit.locator("option", has_text="(CST)").get_attribute("value"))
    page.get_by_label("Reform principle").select_option(value="P-INT")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.breadcrumb strong")).to_have_text("Coastal Region")
    groups = page.locator("table.matrix thead th.matrix-group")
    expect(groups).to_have_count(1)
    expect(groups).to_have_text("P-INT")
    coastal = {"Coastal Region", "Harbour Gate Port", "Saltbay Container Terminal"} | {
        "Coastal Airport Cargo Office",
        "Southern Coast Road Border Post",
        "Coastal Regional Training Office",
    }
    shown_units = {
        squash(text).split(" · ")[0]
        for text in page.locator("table.matrix tbody th span.code").all_text_contents()
    }
    assert shown_units and shown_units <= coastal, shown_units
    journey.step("matrix filtered to coastal region and integrity")

    page.get_by_role("navigation", name="Matrix views").get_by_role(
        "link", name="Units × competencies"
    ).click()
    expect(page.get_by_label("Reform principle")).to_have_value("P-INT")
    journey.step("units by competency")

    port_row = page.locator("table.matrix tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(r"^Harbour Gate Port"))
    )
    cell_link = port_row.locator('a[title^="P-INT:"]')
    below = int(re.search(r"(\d+) below", squash(cell_link.text_content())).group(1))
    assert below > 0, "the demo leaves some officers below the integrity requirement"
    cell_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Integrity.*: officers below the required level$")
    )
    officers_text = "1 officer" if below == 1 else f"{below} officers"
    expect(page.get_by_text(officers_text, exact=True)).to_be_visible()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(below)
    shown = {
        squash(rows.nth(n).locator("td").first.get_by_role("link").text_content())
        for n in range(below)
    }
    for n in range(below):
        expect(rows.nth(n).locator("td").nth(1)).to_have_text("Harbour Gate Port")
    journey.step("officers behind the cell")

    with page.expect_download() as download_info:
        page.locator("p.exports").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "skills-cell-hgp.csv"
    table = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    header, lines = table[0], table[1:]
    assert header[:5] == ["Officer", "Service number", "Unit", "Position", "Competency code"]
    assert {line[0] for line in lines} == shown
    column = {name: index for index, name in enumerate(header)}
    for line in lines:
        assert line[column["Unit"]] == "Harbour Gate Port"
        assert line[column["Competency code"]] == "P-INT"
        assert int(line[column["Gap"]]) > 0

    journey.finish()
