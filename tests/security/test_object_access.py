"""Nobody reaches another person's records by changing an id in a URL.

Every route naming an object is called by each attacker with the victims' ids, and with every
id from 1 to 50 in each of its integer arguments: whatever the answer, no page, file or export
carries the victims' markers (tests/security/conftest.py), and none is a server error. The
owners themselves still get their records, so the markers are known to be on those pages.
"""

from __future__ import annotations

import pytest

from courses.learning.models import Attempt
from lms.access import AUTHENTICATED, PUBLIC, access_rule_of
from tests.security.conftest import DRAFT_B, OFFICER_B, Cast
from tests.security.helpers import (
    browser_as,
    fingerprint,
    get_routes,
    query_names,
    sweep_urls,
    token_of,
)

SWEPT_IDS = range(1, 51)
OFFICER_B_MARKERS = tuple(OFFICER_B.values())
DRAFT_B_MARKERS = tuple(DRAFT_B.values())

# URL templates naming the victims' records, with the answer each attacker gets.
VICTIM_URLS = {
    "officer A": [
        ("/attempts/{b_attempt}", 403),
        ("/attempts/{b_attempt}/result", 403),
        ("/attempts/{b_open_attempt}", 403),
        ("/my/certificates/{b_certificate}/certificate.pdf", 404),
        ("/profile/{b_officer}", 403),
        ("/assignments/{b_assignment}", 403),
        ("/courses/{b_draft}", 404),
        ("/courses/{b_draft}/items/{b_draft_lesson}", 404),
        ("/uploads/{b_upload}/{b_upload_name}", 404),
        ("/admin/users/{b_officer}", 403),
        ("/certificates/{b_certificate}/revoke", 403),
        ("/courses/{b_task_course}/tasks/{b_task}/submissions/{b_submission}/file", 404),
        ("/marking/submissions/{b_submission}", 403),
    ],
    "trainer A": [
        ("/author/courses/{b_draft}", 403),
        ("/author/courses/{b_draft}/details", 403),
        ("/author/courses/{b_draft}/preview", 403),
        ("/author/courses/{b_draft}/export", 403),
        ("/author/courses/{b_draft}/questions", 403),
        ("/author/courses/{b_draft}/questions/{b_draft_question}", 403),
        ("/author/courses/{b_draft}/lessons/{b_draft_lesson}", 403),
        ("/author/courses/{b_draft}/quizzes/{b_draft_quiz}", 403),
        ("/author/courses/{b_draft}/quizzes/{b_draft_quiz}/analysis", 403),
        ("/author/courses/{b_draft}/quizzes/{b_draft_quiz}/analysis.csv", 403),
        ("/author/courses/{b_draft}/modules/{b_draft_module}", 403),
        ("/author/courses/{b_draft}/tasks/{b_draft_task}", 403),
        ("/author/courses/{b_draft}/tasks/{b_draft_task}/preview", 403),
        ("/author/courses/{b_draft}/tasks/{b_draft_task}/criteria/new", 403),
        ("/author/courses/{b_draft}/tasks/{b_draft_task}/criteria/{b_draft_criterion}", 403),
        ("/uploads/{b_upload}/{b_upload_name}", 404),
        ("/assignments/{b_assignment}", 404),
        ("/attempts/{b_attempt}/result", 403),
        ("/marking/submissions/{b_submission}", 404),
        ("/marking/submissions/{b_submission}/file", 404),
    ],
    "HR of the north": [
        ("/profile/{b_officer}", 404),
        ("/assignments/{b_assignment}", 404),
        ("/workforce?unit={south}", 404),
        ("/matrix?unit={south_port}", 404),
        ("/matrix/export.csv?unit={south}", 404),
        ("/my/certificates/{b_certificate}/certificate.pdf", 403),
        ("/admin/users/{b_officer}", 403),
    ],
}


def markers_for(attacker: str) -> tuple[str, ...]:
    """What the attacker must never read. Trainers see every officer's profile by design
    (competencies/views/profiles.py: they rate officers from any office), so for trainer A
    that leaves officer B's answers and notices, and trainer B's draft; HR never authors."""
    if attacker == "trainer A":
        return (
            OFFICER_B["answer"],
            OFFICER_B["notice"],
            OFFICER_B["task_answer"],
            *DRAFT_B_MARKERS,
        )
    if attacker == "HR of the north":
        return OFFICER_B_MARKERS
    return OFFICER_B_MARKERS + DRAFT_B_MARKERS


def leaks(body: bytes, markers: tuple[str, ...]) -> list[str]:
    text = body.decode("utf-8", "replace")
    return [marker for marker in markers if marker in text]


def test_the_markers_are_on_the_owners_own_pages(app, cast: Cast, login_as):
    """The sweeps below look for these strings: here they are where they belong."""
    ids = cast.ids
    officer_b = browser_as(app, login_as, cast.officer_b)
    result = officer_b.get(f"/attempts/{ids['b_attempt']}/result").get_data(as_text=True)
    assert OFFICER_B["answer"] in result
    assert OFFICER_B["rating_note"] in officer_b.get("/profile").get_data(as_text=True)
    assert OFFICER_B["notice"] in officer_b.get("/notifications").get_data(as_text=True)
    pdf = officer_b.get(f"/my/certificates/{ids['b_certificate']}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    trainer_b = browser_as(app, login_as, cast.trainer_b)
    outline = trainer_b.get(f"/author/courses/{ids['b_draft']}").get_data(as_text=True)
    assert DRAFT_B["title"] in outline
    question = f"/author/courses/{ids['b_draft']}/questions/{ids['b_draft_question']}"
    assert DRAFT_B["key"] in trainer_b.get(question).get_data(as_text=True)
    task = f"/author/courses/{ids['b_draft']}/tasks/{ids['b_draft_task']}"
    assert DRAFT_B["task"] in trainer_b.get(task).get_data(as_text=True)
    assert DRAFT_B["rubric"] in trainer_b.get(f"{task}/preview").get_data(as_text=True)
    # The searches find officer B for those who may see them.
    search = {"q": OFFICER_B["service_number"]}
    for user, url in ((cast.admin, "/admin/users"), (cast.trainer_a, "/profiles")):
        found = browser_as(app, login_as, user).get(url, query_string=search)
        assert OFFICER_B["name"] in found.get_data(as_text=True), url


def test_the_victims_ids_are_refused_and_show_nothing(app, cast: Cast, login_as):
    failures = []
    for attacker, urls in VICTIM_URLS.items():
        browser = browser_as(app, login_as, cast.attackers[attacker])
        for template, expected in urls:
            url = template.format(**cast.ids)
            response = browser.get(url)
            found = leaks(response.data, markers_for(attacker))
            response.close()
            if response.status_code != expected or found:
                failures.append((attacker, url, response.status_code, found))
    assert failures == []


@pytest.mark.parametrize("attacker", list(VICTIM_URLS))
def test_sweeping_every_id_of_every_object_route_leaks_nothing(attacker, app, cast: Cast, login_as):
    """Every GET route with an integer argument the attacker's roles may reach, each id 1 to
    50, the other arguments the victims' (so /uploads/<id>/<name> is tried with B's name)."""
    user = cast.attackers[attacker]
    browser = browser_as(app, login_as, user)
    known = victim_arguments(cast)
    assert max(v for v in known.values() if isinstance(v, int)) <= SWEPT_IDS[-1]
    markers = markers_for(attacker)
    failures, requests = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not reachable(app, rule.endpoint, user):
            continue
        for url in sweep_urls(rule, known, SWEPT_IDS):
            response = browser.get(url)
            found = leaks(response.data, markers)
            response.close()
            requests += 1
            if found or response.status_code >= 500:
                failures.append((url, response.status_code, found))
    assert requests >= 2 * len(SWEPT_IDS), requests
    assert failures == []


def test_posting_to_the_victims_records_is_refused_and_changes_nothing(
    app, db, cast: Cast, login_as
):
    """Submitting officer B's attempt, starting B's draft quiz, rating from outside, editing
    trainer B's draft (its task and rubric too): each refused, and not a row changes."""
    ids = cast.ids
    attempts = [
        ("officer A", f"/attempts/{ids['b_open_attempt']}/submit", {}, 403),
        ("officer A", f"/courses/{ids['b_draft']}/items/{ids['b_draft_quiz']}/attempts", {}, 404),
        ("officer A", f"/profile/{ids['b_officer']}/ratings", {"note": "x"}, 403),
        ("HR of the north", f"/profile/{ids['b_officer']}/ratings", {"note": "x"}, 403),
        ("trainer A", f"/author/courses/{ids['b_draft']}/details", {"title": "Mine"}, 403),
        ("trainer A", f"/author/courses/{ids['b_draft']}/status", {"status": "published"}, 403),
        (
            "trainer A",
            f"/author/courses/{ids['b_draft']}/items/{ids['b_draft_lesson']}/delete",
            {},
            403,
        ),
        (
            "trainer A",
            f"/author/courses/{ids['b_draft']}/questions/{ids['b_draft_question']}/archive",
            {},
            403,
        ),
        (
            "trainer A",
            f"/author/courses/{ids['b_draft']}/tasks/{ids['b_draft_task']}",
            {"title": "Mine", "instructions": "Mine", "attachment": "none", "max_submissions": "1"},
            403,
        ),
        (
            "trainer A",
            f"/author/courses/{ids['b_draft']}/tasks/{ids['b_draft_task']}/criteria/"
            f"{ids['b_draft_criterion']}/delete",
            {},
            403,
        ),
    ]
    browsers = {name: browser_as(app, login_as, user) for name, user in cast.attackers.items()}
    before = fingerprint(db)
    for attacker, url, data, expected in attempts:
        browser = browsers[attacker]
        token = token_of(browser, "/notifications")
        response = browser.post(url, data={**data, "csrf_token": token})
        assert response.status_code == expected, (attacker, url)
        assert leaks(response.data, markers_for(attacker)) == [], (attacker, url)
    assert fingerprint(db) == before
    open_attempt = db.session.get(Attempt, ids["b_open_attempt"])
    assert (open_attempt.status, open_attempt.score) == ("in_progress", None)


def test_officer_a_sees_only_their_own_lists(app, cast: Cast, login_as):
    """The pages listing "mine" list only the signed-in officer's records."""
    browser = browser_as(app, login_as, cast.officer_a)
    for url in ("/my/learning", "/my/certificates", "/notifications", "/profile", "/me"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert leaks(response.data, OFFICER_B_MARKERS) == [], url


def victim_arguments(cast: Cast) -> dict[str, object]:
    """URL arguments naming the victims' records, by the names the routes give them."""
    ids = cast.ids
    return {
        "course_id": ids["b_draft"],
        "item_id": ids["b_draft_lesson"],
        "module_id": ids["b_draft_module"],
        "question_id": ids["b_draft_question"],
        "criterion_id": ids["b_draft_criterion"],
        "attempt_id": ids["b_attempt"],
        "certificate_id": ids["b_certificate"],
        "upload_id": ids["b_upload"],
        "filename": ids["b_upload_name"],
        "user_id": ids["b_officer"],
        "assignment_id": ids["b_assignment"],
        "submission_id": ids["b_submission"],
        "unit_id": ids["south"],
        "code": ids["b_certificate_code"],
        "fmt": "csv",
    }


def reachable(app, endpoint: str, user) -> bool:
    """Whether the user's roles pass the endpoint's access rule (the others are refused
    before any object is read: the route walk proves it)."""
    rule = access_rule_of(endpoint)
    if rule in (PUBLIC, AUTHENTICATED):
        return endpoint != "static"
    return bool(rule) and bool(set(rule) & set(user.roles))


def test_no_list_search_or_export_an_attacker_can_open_shows_the_victims(app, cast: Cast, login_as):
    """Every GET route of the walk, as each attacker, as it opens and, where it has a search
    box, searching for officer B by name, service number and email: lists, searches, matrices
    and exports hold nothing of the victims (trainers see every officer's profile by design:
    see markers_for)."""
    searches = [OFFICER_B[key] for key in ("name", "service_number", "email")]
    failures, searched_pages = [], 0
    for attacker, user in cast.attackers.items():
        browser = browser_as(app, login_as, user)
        for rule, url, _statuses in get_routes():
            if rule.startswith("/static"):
                continue
            response = browser.get(cast.world.url(url))
            found = leaks(response.data, markers_for(attacker))
            html = response.mimetype == "text/html"
            boxes = query_names(response.get_data(as_text=True)) & {"q"} if html else set()
            response.close()
            if found:
                failures.append((attacker, url, found))
            for name in boxes:
                searched_pages += 1
                for term in searches:
                    response = browser.get(cast.world.url(url), query_string={name: term})
                    # The term itself is shown back in the search box.
                    markers = tuple(m for m in markers_for(attacker) if m != term)
                    found = leaks(response.data, markers)
                    if found:
                        failures.append((attacker, url, term, found))
    assert searched_pages >= 4
    assert failures == []
