"""`lms catalogue list`: the catalogue folder listed from its files (no database), as text,
Markdown (the README's block) and JSON; a folder that does not read lists every problem."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from config import TestingConfig
from courses.authoring.gift import GiftQuestion, parse_gift
from courses.authoring.services.catalogue_listing import (
    CatalogueListing,
    CourseListing,
    CriterionEntry,
    LessonEntry,
    ModuleEntry,
    QuestionCounts,
    TaskEntry,
    count_words,
    list_course,
)
from courses.authoring.services.catalogue_listing_report import (
    listing_json,
    listing_markdown,
    listing_text,
)
from courses.authoring.services.course_format import CoursePlan
from courses.authoring.services.default_catalogue import CATALOGUE
from lms import create_app
from tests.courses.gift_helpers import named_banks

README = Path(__file__).resolve().parents[2] / "README.md"


def question(qtype: str, level: int, competency: str | None = None, category: str = ""):
    return GiftQuestion(1, qtype, "Text", level, {}, competency_code=competency, category=category)


def test_words_are_what_a_reader_counts_not_markdown_marks():
    markdown = (
        "## The declarant's duties\n\n| Who | When |\n|---|---|\n"
        "- files the goods declaration, **on time**\n- re-exports 2 cases\n"
    )
    # The, declarant's, duties, Who, When, files, the, goods, declaration, on, time,
    # re-exports, 2, cases
    assert count_words(markdown) == 14


def test_a_checkpoint_draws_only_its_category_and_its_module_competencies():
    bank = [
        question("single_choice", 1, "OPS-VAL", "checkpoint"),
        question("single_choice", 1, "OPS-VAL", "checkpoint"),
        question("true_false", 2, "OPS-TAR", "checkpoint"),  # another module's competency
        question("true_false", 2, None, "checkpoint"),  # untagged: no checkpoint draws it
        *[question("numeric", level, "OPS-VAL", "assessment") for level in (2, 2, 2, 2, 3, 3)],
    ]
    manifest = {
        "code": "T-1",
        "title": "Valuation",
        "validity_months": 12,
        "recertify": True,
        "modules": [
            {
                "title": "Method",
                "principles": ["P-STD"],
                "competencies": ["OPS-VAL"],
                "items": [
                    {"type": "lesson", "title": "Read", "file": "a.md"},
                    {"type": "quiz", "title": "Check", "kind": "checkpoint",
                     "category": "checkpoint", "draw": {"mode": "all"}},
                    {"type": "quiz", "title": "Final", "category": "assessment",
                     "draw": {"mode": "per_competency_level", "count": 3}},
                    {"type": "quiz", "title": "Mixed", "kind": "assessment",
                     "draw": {"mode": "per_level", "per_level": {"1": 1, "3": 5}}},
                ],
            }
        ],
    }  # fmt: skip
    plan = CoursePlan(manifest, lessons={"a.md": "One two three."}, banks={"q.gift": bank})

    course = list_course(plan)

    lesson, check, final, mixed = course.modules[0].items
    assert (lesson.words, lesson.title) == (3, "Read")
    assert (check.kind, check.pool, check.drawn) == ("checkpoint", 2, 2)
    # 3 of OPS-VAL at level 2 (of 4) and both of level 3.
    assert (final.kind, final.pool, final.drawn) == ("assessment", 6, 5)
    # No category: the whole bank; 1 of level 1 and the 2 questions of level 3.
    assert (mixed.pool, mixed.drawn) == (10, 3)
    assert course.questions.count("true_false", 2) == 2
    assert course.questions.count(level=2) == 6
    assert course.categories == {"assessment": 6, "checkpoint": 4}


def small_listing() -> CatalogueListing:
    task = TaskEntry(
        "Task: a valuation | decision",
        "t.md",
        "required",
        True,
        3,
        (CriterionEntry("Applies the method", "OPS-VAL", (2, 3, 4)),),
    )
    first = CourseListing(
        "V-101",
        "Valuation",
        None,
        False,
        (
            ModuleEntry(
                "Method", ("P-STD",), ("OPS-VAL",), (LessonEntry("Read", "a.md", 1200), task)
            ),
        ),
        QuestionCounts({("single_choice", 1): 4, ("single_choice", 3): 2, ("numeric", 2): 5}),
        ("q.gift",),
        {"": 11},
    )
    second = CourseListing(
        "O-101",
        "Origin",
        24,
        True,
        (ModuleEntry("Rules", ("P-STD",), (), (LessonEntry("Read", "a.md", 1, required=False),)),),
        QuestionCounts({("numeric", 2): 1, ("matching", 4): 2}),
        ("q.gift",),
        {"": 3},
    )
    return CatalogueListing((first, second))


def test_the_text_lists_each_course_then_a_type_by_level_table_of_the_catalogue():
    text = listing_text(small_listing())

    assert "V-101  Valuation\n  certificate never expires\n  Module 1: Method\n" in text
    assert "O-101  Origin\n  certificate valid 24 months, then retaken\n" in text
    assert "    lesson     Read: 1,200 words\n" in text
    assert "    lesson     Read: 1 word; optional\n" in text
    assert (
        "    task       Task: a valuation | decision: attachment required, blind marking, up to "
        "3 submissions; 1 criterion\n               - Applies the method (OPS-VAL L2 L3 L4)\n"
    ) in text
    totals = text[text.index("Catalogue: ") :].splitlines()
    assert totals[0] == (
        "Catalogue: 2 courses, 2 modules, 2 lessons (1,201 words), 0 quizzes (0 checkpoints, "
        "0 assessments), 1 task (1 rubric criterion), 14 questions."
    )
    assert [line.split() for line in totals[1:]] == [
        ["L1", "L2", "L3", "L4", "total"],
        ["Single", "choice", "4", "0", "2", "0", "6"],
        ["Numeric", "0", "6", "0", "0", "6"],
        ["Matching", "0", "0", "0", "2", "2"],
        ["total", "4", "6", "2", "2", "14"],
    ]


def test_the_markdown_has_a_row_per_course_and_escapes_pipes_in_titles():
    markdown = listing_markdown(small_listing())

    assert (
        "| V-101 | Valuation | never expires | 1 | 1 (1,200 words) | 0 checkpoints | 1 | 11 |"
        in (markdown)
    )
    assert "| O-101 | Origin | valid 24 months, then retaken | 1 | 1 (1 word) |" in markdown
    assert "| **Total** | 4 | 6 | 2 | 2 | 14 |" in markdown
    assert (
        "| task | Task: a valuation \\| decision | attachment required, blind marking" in markdown
    )
    assert "Applies the method (OPS-VAL L2 L3 L4) |" in markdown


def test_the_json_totals_add_up_the_courses():
    totals = listing_json(small_listing())["totals"]

    assert totals["courses"] == 2 and totals["lessons"] == 2 and totals["words"] == 1201
    assert totals["questions"]["by_level"] == {"1": 4, "2": 6, "3": 2, "4": 2}
    assert totals["questions"]["by_type"]["numeric"] == {"1": 0, "2": 6, "3": 0, "4": 0}
    assert (totals["tasks"], totals["criteria"]) == (1, 1)


# The command, on the shipped catalogue ---------------------------------------------------------


def catalogue_files() -> list[tuple[dict, list[GiftQuestion], str]]:
    """Each course folder's manifest, its banks' questions and their text, from the files."""
    courses = []
    for folder in sorted(p.parent for p in CATALOGUE.glob("*/course.json")):
        manifest = json.loads((folder / "course.json").read_text(encoding="utf-8"))
        sources = [(folder / bank).read_text(encoding="utf-8") for bank in named_banks(folder)]
        questions = [q for source in sources for q in parse_gift(source)[0]]
        courses.append((manifest, questions, "\n".join(sources)))
    return courses


def items_of(manifest: dict, kind: str) -> list[dict]:
    return [i for m in manifest["modules"] for i in m["items"] if i["type"] == kind]


def test_the_catalogue_listing_counts_what_the_files_hold(runner):
    files = catalogue_files()

    result = runner.invoke(args=["catalogue", "list", "--json"])

    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [c["code"] for c in listed["courses"]] == [m["code"] for m, _, _ in files]
    for course, (manifest, questions, source) in zip(listed["courses"], files, strict=True):
        assert course["title"] == manifest["title"]
        assert course["validity_months"] == manifest.get("validity_months")
        items = [i for m in course["modules"] for i in m["items"]]
        assert [(i["type"], i["title"]) for i in items] == [
            (i["type"], i["title"]) for m in manifest["modules"] for i in m["items"]
        ]
        levels = Counter(re.findall(r"\[tag:level-(\d)\]", source))
        assert course["questions"]["by_level"] == {str(n): levels[str(n)] for n in range(1, 5)}
        by_type = Counter((q.qtype, q.level) for q in questions)
        for qtype, row in course["questions"]["by_type"].items():
            assert row == {str(n): by_type[(qtype, n)] for n in range(1, 5)}
        for quiz in (i for i in items if i["type"] == "quiz"):
            assert 0 < quiz["drawn"] <= quiz["pool"] <= len(questions), quiz["title"]
        for task, entry in zip(
            (i for i in items if i["type"] == "task"), items_of(manifest, "task"), strict=True
        ):
            assert [(c["competency"], c["levels"]) for c in task["criteria"]] == [
                (row["competency"], sorted(int(k) for k in row["descriptors"]))
                for row in entry["rubric"]
            ]
    totals = listed["totals"]
    assert totals["courses"] == len(files)
    assert totals["lessons"] == sum(len(items_of(m, "lesson")) for m, _, _ in files)
    assert totals["tasks"] == sum(len(items_of(m, "task")) for m, _, _ in files)
    assert totals["questions"]["total"] == sum(len(q) for _, q, _ in files)
    assert sum(totals["quizzes"].values()) == sum(len(items_of(m, "quiz")) for m, _, _ in files)


def test_the_text_listing_names_every_course_and_ends_with_the_totals(runner):
    files = catalogue_files()

    result = runner.invoke(args=["catalogue", "list"])

    assert result.exit_code == 0, result.output
    for manifest, _, _ in files:
        assert f"\n{manifest['code']}  {manifest['title']}\n" in f"\n{result.stdout}"
    total = sum(len(questions) for _, questions, _ in files)
    assert f"Catalogue: {len(files)} courses, " in result.stdout
    last = result.stdout.rstrip().splitlines()[-1].split()
    assert last[0] == "total" and last[-1] == str(total)
    assert sum(int(n) for n in last[1:5]) == total


def test_the_readme_shows_what_the_markdown_listing_prints(runner):
    result = runner.invoke(args=["catalogue", "list", "--markdown"])

    assert result.exit_code == 0, result.output
    readme = README.read_text(encoding="utf-8")
    block = re.search(
        r"<details><summary>lms catalogue list --markdown</summary>\n(.*?)</details>",
        readme,
        re.DOTALL,
    )
    assert block, "README.md has no block for lms catalogue list --markdown"
    assert block.group(1).strip() == result.stdout.strip(), (
        "README's catalogue listing is out of date: paste `lms catalogue list --markdown`"
    )
    assert result.stdout.count("\n| C-") + result.stdout.count("\n| P-") == len(catalogue_files())


def test_the_listing_needs_no_database(tmp_path):
    app = create_app(
        TestingConfig,
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite:////nowhere/no.db"},
    )

    result = app.test_cli_runner().invoke(args=["catalogue", "list"])

    assert result.exit_code == 0, result.output
    assert "Catalogue: " in result.stdout


def test_a_folder_that_does_not_read_lists_every_problem_and_exits_1(runner, tmp_path):
    for code in ("P-INT-101", "C-ORI-101", "P-TRA-101"):
        shutil.copytree(CATALOGUE / code, tmp_path / code)
    (tmp_path / "P-INT-101" / "02-arusha-ten-factors.md").unlink()
    with (tmp_path / "C-ORI-101" / "assessment.gift").open("a", encoding="utf-8") as bank:
        bank.write("\n// [tag:level-7]\n::Broken:: Which rule applies? {=Wholly obtained ~Other}\n")
    (tmp_path / "P-TRA-101" / "course.json").write_text('{"code": "P-TRA-101",', "utf-8")

    result = runner.invoke(args=["catalogue", "list", "--folder", str(tmp_path)])

    assert result.exit_code == 1
    assert result.stdout == ""
    problems = result.stderr.splitlines()
    assert "P-INT-101/02-arusha-ten-factors.md: file not found." in problems
    assert any(p.startswith("C-ORI-101/assessment.gift:") and "level" in p for p in problems)
    assert any(p.startswith("P-TRA-101/course.json:1:") for p in problems)
    assert problems[-1] == f"Error: {len(problems) - 1} problem(s) in the catalogue's files."
