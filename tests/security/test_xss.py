"""Stored and reflected cross-site scripting, and template injection.

Stored: a payload corpus goes into every text field of every form that stores text (course,
module, lesson, quiz, task, rubric criterion, question, choice, feedback, curriculum, framework
and competency names and descriptions, unit, position and user names, a rating note, a
revocation reason), and into user names through the CSV import; the fields are found on the
pages themselves, so a field added later is filled too. Then every page of the app, as every
role, and the officer's quiz and review of the poisoned course are parsed as a browser would
parse them: no script element, no event-handler attribute, no javascript:/data: URL, and
template syntax shows as written.

Reflected: every query parameter a page's forms and links send, plus the usual ones, set to
the payload on every GET route; the 404 page's path; forms that echo what was posted.

Markdown rendering has its own, deeper payload tests: tests/courses/test_xss.py and
tests/courses/test_authoring_xss.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import select

from courses.learning.models import Attempt, Quiz
from lms.accounts.imports import run_import
from lms.accounts.models import User, UserImport
from lms.extensions import db
from tests.security.conftest import Cast
from tests.security.helpers import (
    FormField,
    allowed_roles,
    browser_as,
    forms_on,
    get_routes,
    live_markup,
    query_names,
    token_of,
)

CORPUS = (
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(2)>",
    "javascript:alert(3)",
    "[link](javascript:alert(4))",
    "</textarea><iframe src=javascript:alert(5)></iframe>",
    "{{ 31337*3 }}",
    "{% raw %}{{ config }}{% endraw %}",
)
# What a template engine evaluating the corpus would print.
EVALUATED = ("94011", "testing-secret-key", "SQLALCHEMY_DATABASE_URI")
# Query parameters the app reads somewhere, tried on every route besides those its page sends.
COMMON_PARAMS = (
    "q",
    "page",
    "next",
    "unit",
    "position",
    "principle",
    "framework",
    "competency",
    "group",
    "content",
    "state",
    "type",
    "status",
    "assignment",
    "exact",
    "level",
    "fmt",
)


def payload(index: int) -> str:
    """The corpus, started at a different payload for each field (long fields get all of it;
    a short field cut at its maxlength still gets a whole payload first)."""
    start = index % len(CORPUS)
    return " ".join(CORPUS[start:] + CORPUS[:start])


def poison(item: FormField, index: int) -> str:
    return payload(index)


def assert_inert(page: str, where: str) -> None:
    assert live_markup(page) == [], where
    for text in EVALUATED:
        assert text not in page, (where, text)


def post_form(
    browser: FlaskClient,
    page_url: str,
    *,
    action: str | None = None,
    keep: tuple[str, ...] = (),
    expect: tuple[int, ...] = (302,),
    **overrides: str | list[str],
):
    """Fill the form of `page_url` posting to `action` (the page itself by default) as shown,
    every text field poisoned but those in `keep`, and submit it."""
    page = browser.get(page_url)
    assert page.status_code == 200, page_url
    html = page.get_data(as_text=True)
    assert_inert(html, page_url)
    target = urlsplit(action or page_url).path
    forms = [form for form in forms_on(html) if urlsplit(form.action or page_url).path == target]
    assert forms, f"no form posting to {action or page_url}"
    form = forms[0]
    kept = {f.name: f.value for f in form.fields if f.name in keep}
    data = form.values(poison, **kept, **overrides)
    response = browser.post(action or page_url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code in expect, (page_url, response.status_code, errors_in(body))
    assert_inert(body, f"POST {action or page_url}")
    return response


def errors_in(page: str) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)', page) + re.findall(
        r'role="alert">\s*((?:<p>[^<]*</p>\s*)+)', page
    )


def store_payloads(app, cast: Cast, login_as: Callable) -> None:
    """Every text-storing form, filled with the corpus by the role that may use it."""
    world = cast.world
    w = world.url
    admin = browser_as(app, login_as, cast.admin)
    trainer = browser_as(app, login_as, cast.trainer_a)
    hr = browser_as(app, login_as, cast.hr_north)

    # Admin: the organisation, accounts, a revocation reason.
    post_form(admin, "/admin/units/new", code="XSS-UNIT")
    post_form(admin, w("/admin/units/{unit}"), keep=("code",))
    post_form(admin, "/admin/positions/new", code="XSS-POS")
    post_form(admin, w("/admin/positions/{position}"), keep=("code",))
    post_form(
        admin,
        "/admin/users/new",
        expect=(200,),  # the page with the one-time password
        email="xss.new@customs.example",
        service_number="SN-XSS-NEW",
        roles="officer",
    )
    post_form(admin, w("/admin/users/{user}"), keep=("email", "service_number"))
    post_form(admin, w("/certificates/{certificate}/revoke"))

    # Trainer: a new course and every part of the walk's courses (the published one, which
    # officers read, and the draft).
    post_form(trainer, "/author/courses/new", code="XSS-COURSE")
    for course in ("{course}", "{a_course}"):
        post_form(trainer, w(f"/author/courses/{course}/details"), keep=("code",))
    post_form(trainer, w("/author/courses/{a_course}/modules/{a_module}"), competency_codes="")
    post_form(trainer, w("/author/courses/{course}/lessons/{lesson}"))
    post_form(trainer, w("/author/courses/{a_course}/lessons/{a_lesson}"))
    post_form(trainer, w("/author/courses/{course}/quizzes/{quiz}"))
    post_form(trainer, w("/author/courses/{a_course}/quizzes/{a_quiz}"))
    post_form(trainer, w("/author/courses/{a_course}/tasks/{a_task}"))
    post_form(
        trainer,
        w("/author/courses/{a_course}/tasks/{a_task}/criteria/new"),
        competency_code="P-INT",
    )
    post_form(
        trainer,
        w("/author/courses/{a_course}/tasks/{a_task}/criteria/{a_criterion}"),
        competency_code="P-INT",
    )
    post_form(
        trainer,
        w("/author/courses/{course}/questions/new"),
        qtype="single_choice",
        competency_code="",
        **{f"choices-{n}-weight": {0: "100", 1: "0"}.get(n, "") for n in range(8)},
        **{f"choices-{n}-text": "" for n in range(2, 8)},
        **{f"choices-{n}-feedback": "" for n in range(2, 8)},
    )
    post_form(
        trainer,
        w("/author/courses/{course}/questions/new?type=short_text"),
        action=w("/author/courses/{course}/questions/new"),
        competency_code="",
    )
    post_form(trainer, w("/author/courses/{a_course}/questions/{a_question}"), competency_code="")
    post_form(
        trainer,
        "/curricula/new",
        competencies="",
        **{"courses-0-course_id": str(world.ids["course"])},
        **{f"courses-{n}-course_id": "" for n in range(1, 8)},
    )
    post_form(trainer, w("/curricula/{curriculum}/edit"), competencies="")
    post_form(
        trainer,
        w("/profile/{user}"),
        action=w("/profile/{user}/ratings"),
    )

    # HR: the framework and its competencies.
    post_form(hr, w("/frameworks/{framework}/edit"), keep=("scale",))
    post_form(hr, w("/frameworks/{framework}/competencies/new"), code="XSS-COMP")
    post_form(hr, w("/frameworks/{framework}/competencies/{competency}"), keep=("code",))

    # User names through the CSV import: the preview shows them, the job writes them.
    names = [payload(n).replace(",", " ").replace('"', "'")[:200] for n in range(3)]
    csv_text = "email,full_name,service_number,unit_code,position_code,roles\n" + "".join(
        f"xss.csv{n}@customs.example,{name},SN-XSS-CSV{n},ADM,,officer\n"
        for n, name in enumerate(names)
    )
    token = token_of(admin, "/admin/imports/")
    response = admin.post(
        "/admin/imports/",
        data={"file": (io.BytesIO(csv_text.encode()), "staff.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    preview = response.get_data(as_text=True)
    assert response.status_code == 200 and "All 3 rows passed the checks" in preview
    assert_inert(preview, "the import preview")
    import_id = db.session.scalar(select(UserImport.id).order_by(UserImport.id.desc()))
    admin.post(f"/admin/imports/{import_id}/confirm", data={"csrf_token": token})
    run_import(import_id, commit=db.session.commit, max_rows=100)
    assert db.session.scalar(select(User.id).where(User.email == "xss.csv0@customs.example"))


def test_stored_payloads_are_inert_on_every_page_for_every_role(app, cast: Cast, login_as):
    store_payloads(app, cast, login_as)
    world = cast.world
    shown_literally = 0
    for role, user in (
        ("anonymous", None),
        ("officer", cast.officer_a),
        ("trainer", cast.trainer_a),
        ("hr", cast.hr_north),
        ("admin", cast.admin),
    ):
        browser = browser_as(app, login_as, user)
        for _rule, url, _statuses in get_routes():
            response = browser.get(world.url(url))
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                assert_inert(page, f"{role} {url}")
                shown_literally += "{{ 31337*3 }}" in page and "{% raw %}" in page
            response.close()
    assert shown_literally > 20  # the payloads are on the pages, shown as written

    # The officer takes the poisoned quiz: the questions, then the review with its feedback.
    officer = browser_as(app, login_as, cast.officer_a)
    course, quiz = world.ids["course"], world.ids["quiz"]
    quiz_page = f"/courses/{course}/items/{quiz}"
    for url in (f"/courses/{course}", quiz_page, f"/courses/{course}/items/{world.ids['lesson']}"):
        assert_inert(officer.get(url).get_data(as_text=True), url)
    db.session.execute(
        Attempt.__table__.delete().where(Attempt.user_id == cast.officer_a.id)
    )  # the walk's attempt predates the poisoned questions
    poisoned = db.session.get(Quiz, quiz)  # the keys, with every feedback, after one attempt
    poisoned.attempts_allowed, poisoned.review_shows = 1, "keys"
    poisoned.review_when = "after_last_attempt"
    db.session.commit()
    started = officer.post(
        f"{quiz_page}/attempts", data={"csrf_token": token_of(officer, quiz_page)}
    )
    attempt = started.headers["Location"]
    page = officer.get(attempt).get_data(as_text=True)
    assert "{{ 31337*3 }}" in page
    result = post_form(officer, attempt, action=f"{attempt}/submit")
    review = officer.get(result.headers["Location"]).get_data(as_text=True)
    assert_inert(review, f"{attempt}/result")
    assert "Answers that earn marks" in review  # the review, with its feedback, is shown


def test_posted_text_echoed_on_a_refused_form_is_inert(app, cast: Cast, login_as):
    """Forms that show what was posted next to their errors: unknown officers named in an
    assignment, a bad course code, a bad competency code."""
    trainer = browser_as(app, login_as, cast.trainer_a)
    post_form(
        trainer,
        "/assignments/new",
        expect=(400,),
        target_kind="officers",
        officers=f"{payload(0)}\n{payload(3)}",
        due_kind="days",
        due_days="30",
    )
    post_form(trainer, "/author/courses/new", expect=(200, 400))
    post_form(
        trainer,
        cast.world.url("/author/courses/{a_course}/modules/new"),
        expect=(200, 400),
        principles="P-INT",
    )


def test_every_query_parameter_of_every_page_is_reflected_inert(app, cast: Cast, login_as):
    """Each GET route, for the widest role it serves: all parameters at once, then each
    parameter its page sends on its own (a refused one must not hide the others)."""
    users = {**cast.world.users, "anonymous": None}
    browsers = {role: browser_as(app, login_as, user) for role, user in users.items()}
    tried = 0
    for rule, url, statuses in get_routes():
        roles = allowed_roles(statuses)
        if not roles or rule.startswith("/static"):
            continue
        browser, target = browsers[roles[0]], cast.world.url(url).split("?")[0]
        page = browser.get(target)
        names = query_names(page.get_data(as_text=True)) if page.mimetype == "text/html" else set()
        page.close()
        queries = [{name: payload(n) for n, name in enumerate(sorted(names | set(COMMON_PARAMS)))}]
        queries += [{name: payload(n)} for n, name in enumerate(sorted(names))]
        for query in queries:
            response = browser.get(target, query_string=query)
            tried += 1
            assert response.status_code < 500, (target, query)
            if response.mimetype == "text/html":
                assert_inert(response.get_data(as_text=True), f"{target} {sorted(query)}")
            response.close()
    assert tried >= len(get_routes())


def test_the_path_and_the_sign_in_target_are_reflected_inert(app, create_user, login_as):
    admin = create_user(roles=("admin",))
    for browser in (app.test_client(), browser_as(app, login_as, admin)):
        for n in range(len(CORPUS)):
            response = browser.get("/no-such-page/" + payload(n).replace("?", ""))
            assert response.status_code == 404
            assert_inert(response.get_data(as_text=True), "the 404 page")
            response = browser.get("/verify/" + payload(n).replace("/", "").replace("?", ""))
            assert response.status_code == 404
            assert_inert(response.get_data(as_text=True), "the verify page")
    visitor = app.test_client()
    for n in range(len(CORPUS)):
        response = visitor.get("/login", query_string={"next": payload(n)})
        assert_inert(response.get_data(as_text=True), "the sign-in page")


def test_the_checker_sees_what_a_browser_would_run():
    """The parser these tests rely on: each of these would run script in a browser."""
    live = [
        "<p>x</p><script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<a href=" &#106;avascript:alert(1)">x</a>',
        '<a href="JAVA&#x09;SCRIPT:alert(1)">x</a>',
        '<iframe src="/"></iframe>',
        '<form action="data:text/html,x"><button>x</button></form>',
        '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">',
        "<BODY ONLOAD=alert(1)>",
        '<script src="/static/attempt-countdown.js" defer>alert(1)</script>',
        '<script src="//evil.example/static/x.js" defer></script>',
        '<script src="/static/x.js" defer onload="alert(1)"></script>',
        '<script src="/static/../attempts/1" defer></script>',
    ]
    for html in live:
        assert live_markup(html), html
    inert = "<p>&lt;script&gt;alert(1)&lt;/script&gt; {{ 31337*3 }} javascript:alert(1)</p>"
    assert live_markup(inert) == []
    # The platform's own static script, as the attempt page loads it.
    assert live_markup('<script src="/static/attempt-countdown.js" defer></script>') == []
