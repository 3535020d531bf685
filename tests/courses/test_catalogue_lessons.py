"""The lessons of the default catalogue: each ends with the references it rests on, none repeats
a claim a customs specialist found wrong, and each renders its quotations and references.

The lessons are found by reading the course folders, so a course added later is checked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses.authoring.services.course_import import course_folders
from courses.authoring.services.default_catalogue import CATALOGUE
from lms.markdown import render_markdown


def catalogue_lessons() -> list[Path]:
    """Every lesson file (`*.md`) of every course folder of the catalogue."""
    return [
        lesson for folder in course_folders(CATALOGUE) for lesson in sorted(folder.glob("*.md"))
    ]


def lesson_id(lesson: Path) -> str:
    return f"{lesson.parent.name}/{lesson.name}"


LESSONS = catalogue_lessons()


def test_every_course_folder_has_lessons_to_check():
    # Guards the tests below against passing on nothing (a moved catalogue, a renamed suffix).
    folders = course_folders(CATALOGUE)
    assert folders
    assert {lesson.parent for lesson in LESSONS} == set(folders)


@dataclass(frozen=True)
class WrongClaim:
    """A claim found wrong in review. `pattern` is looked for in each line of a lesson (a
    paragraph, list item or table row), ignoring case; `unless` on the same line makes the
    line right (the claim stated with its condition)."""

    pattern: str
    reason: str
    unless: str | None = None


WRONG_CLAIMS = (
    WrongClaim(
        r"closest in time",
        "WTO Valuation Agreement Art. 2.3 and 3.3: where several transaction values of identical "
        "(similar) goods are found, the lowest is used, not the sale closest in time.",
    ),
    WrongClaim(
        r"request to (attend|be present)[^.|]*\bconsidered\b",
        "RKC General Annex Standard 3.36: the declarant's request to be present at the "
        "examination is granted unless exceptional circumstances exist, not merely considered.",
    ),
    WrongClaim(
        r"\b(Chapter \d+|General Annex)\b[^.|]*\bencourag",
        "The General Annex holds standards and transitional standards, which bind; it encourages "
        "nothing (Standard 3.3 on business hours at common border posts is binding).",
    ),
    WrongClaim(
        r"encourag\w*[^.|]*\b(hours|joint controls)\b|\b(hours|joint controls)\b[^.|]*\bencouraged",
        "RKC General Annex Standard 3.3 binds neighbouring administrations to make business hours "
        "and competence correspond at common border posts; Transitional Standard 3.4 binds them "
        "to joint controls whenever possible.",
    ),
    WrongClaim(
        r"\bStandards? \d+\.\d+\b(?:[^.|]|\.\*\*)*\b(should|encourages?|recommends?)\b",
        "A standard binds the contracting parties ('shall'): it is not advice.",
    ),
    WrongClaim(
        r"General Annex[^.|]*recommended practice|recommended practice[^.|]*General Annex",
        "Recommended practices are in the Specific Annexes; the General Annex has none.",
    ),
    WrongClaim(
        r"Chapter 5\b[^.]*\bsecurity",
        "RKC General Annex Chapter 5 ('Chapter 5 deals with security') is about security in the "
        "sense of a guarantee for duties and taxes, not cargo or supply-chain security: say so.",
        unless=r"guarantee",
    ),
    WrongClaim(
        r"2019 review of the (WCO PICARD Professional )?Standards added|added (it|coordinated "
        r"border management) to the knowledge",
        "The 2019 PICARD revision is known from the WCO's summary of its themes (public-private "
        "cooperation, customs and revenue, further facets of coordinated border management, "
        "security, trade facilitation, technology, project management...): not a closed list.",
    ),
    WrongClaim(
        r"(PICARD|2019)[^.]*\b(two|three|four|five|six|seven|eight|nine|ten|\d+) (new |added )?"
        r"(knowledge )?areas",
        "No count of the areas the 2019 PICARD revision added can be claimed.",
    ),
    WrongClaim(
        r"(computed (method|value)[^.|]*before the deductive|revers\w* the order)",
        "Valuation Agreement Art. 4 gives the importer a request; Annex III para. 3 lets "
        "developing countries make it subject to customs' agreement: teach both.",
        unless=r"Annex III",
    ),
    WrongClaim(
        r"deductive[^.]*\bprofit",
        "Valuation Agreement Art. 5.1(a)(i): the deductive method deducts either the commissions "
        "usually paid or agreed or the usual profit and general expenses.",
        unless=r"commission",
    ),
)


def wrong_claims_in(text: str) -> list[str]:
    """Each line holding a known-wrong claim, with the reason it is wrong."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for claim in WRONG_CLAIMS:
            if re.search(claim.pattern, line, re.IGNORECASE) and not (
                claim.unless and re.search(claim.unless, line, re.IGNORECASE)
            ):
                found.append(f"line {number}: {claim.reason}")
    return found


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("using the unrelated sale closest in time, at 65,000.", True),
        ("the declarant's request to attend is considered |", True),
        ("The chapter also encourages neighbouring administrations to match hours.", True),
        ("Joint controls with the neighbour are encouraged at common crossings |", True),
        ("The TFA encourages members to measure and publish release times.", False),
        ("Chapter 3 encourages neighbouring administrations to match their hours.", True),
        ("Standard 6.10 adds that customs should evaluate traders' systems.", True),
        ("Standard 6.10 adds that customs shall evaluate traders' systems.", False),
        ("**Standard 6.8.** Customs should seek to cooperate with the trade.", True),
        ("Chapter 5 deals with security.", True),
        ("Chapter 5, 'Security', sets the rules for the guarantee.", False),
        ("The 2019 review of the Standards added areas that had become central:", True),
        ("The importer may ask for the computed method before the deductive method.", True),
        ("Art. 4: computed before the deductive, unless reserved (Annex III, para. 3).", False),
        ("| Deductive value | resale price minus profit, general expenses |", True),
        ("| Deductive value | minus commissions or profit and general expenses |", False),
    ],
)
def test_the_list_of_wrong_claims_tells_the_wrong_from_the_corrected(text, wrong):
    assert bool(wrong_claims_in(text)) is wrong


@pytest.mark.parametrize("lesson", LESSONS, ids=lesson_id)
def test_no_lesson_repeats_a_claim_found_wrong(lesson):
    assert wrong_claims_in(lesson.read_text(encoding="utf-8")) == []


def references_section(text: str) -> tuple[str, list[str]]:
    """The title of the lesson's last `##` section and its non-blank lines."""
    title, _, body = re.split(r"^## ", text, flags=re.MULTILINE)[-1].partition("\n")
    return title.strip(), [line for line in body.splitlines() if line.strip()]


@pytest.mark.parametrize("lesson", LESSONS, ids=lesson_id)
def test_every_lesson_ends_with_a_list_of_references(lesson):
    title, lines = references_section(lesson.read_text(encoding="utf-8"))
    assert title == "References"
    assert lines, "the References section is empty"
    assert all(re.match(r"- \S", line) for line in lines), lines


@pytest.mark.parametrize("lesson", LESSONS, ids=lesson_id)
def test_every_lesson_renders_its_quotations_and_its_references(lesson):
    text = lesson.read_text(encoding="utf-8")
    html = render_markdown(text)
    # The references are the page's last list, under their own heading, one item per source.
    _, lines = references_section(text)
    rendered = re.search(r"<h2>References</h2>\s*<ul>(.*?)</ul>\s*$", html, re.DOTALL)
    assert rendered, html[-300:]
    assert rendered.group(1).count("<li>") == len(lines)
    # A quoted definition is set apart as a quotation, not shown with a stray '>'.
    quoted = [line[2:] for line in text.splitlines() if line.startswith("> ")]
    if quoted:
        assert "<blockquote>" in html
        assert "<p>&gt;" not in html


def test_a_principle_definition_is_shown_as_a_quotation_with_its_source():
    html = render_markdown(
        (CATALOGUE / "P-ACC-101" / "01-accountability-in-practice.md").read_text(encoding="utf-8")
    )
    quotation = re.search(r"<blockquote>(.*?)</blockquote>", html, re.DOTALL)
    assert quotation and "Accountability: Customs administrations should be accountable" in (
        quotation.group(1)
    )
    before = html[: quotation.start()]
    assert "WCO's capacity-building text" in before.rsplit("<p>", 1)[-1]
    assert "RKC General Annex, Chapter 10" in html.split("<h2>References</h2>")[-1]
