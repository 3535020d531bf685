"""Trainer-marked tasks through the pages: the officer hands in text and a PDF, the trainer marks
from the queue, the officer reads the result and the profile says why; bad input is refused
with a message and changes nothing; nobody reaches what is outside their scope."""

from __future__ import annotations

import io

from sqlalchemy import select

from courses.marking.models import Submission, SubmissionStatus
from tests.conftest import csrf_token_from
from tests.courses.marking_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.marking_fixtures import PDF


def _task_url(world) -> str:
    return f"/courses/{world.item.course_id}/tasks/{world.item.id}"


def _hand_in(client, world, text="My decision: value 42 000.", file=(PDF, "decision.pdf")):
    token = csrf_token_from(client.get(_task_url(world)).get_data(as_text=True))
    data = {"csrf_token": token, "answer": text}
    if file:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return client.post(_task_url(world), data=data, content_type="multipart/form-data")


def _mark(client, submission_id, levels, comment="Royalty added as Article 8 asks.", **extra):
    url = f"/marking/submissions/{submission_id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "comment": comment, **extra}
    data.update({f"criterion_{cid}": str(level) for cid, level in levels.items()})
    return client.post(url, data=data)


def test_an_officer_hands_in_text_and_a_pdf_and_reads_the_marking(
    app, db, client, login_as, officer, task_world
):
    world = task_world()
    login_as(officer)
    page = client.get(f"/courses/{world.item.course_id}/items/{world.item.id}")
    assert page.status_code == 302 and page.headers["Location"].endswith(_task_url(world))
    text = client.get(_task_url(world)).get_data(as_text=True)
    assert "Write the valuation decision" in text and "Adds the royalty as a condition" in text

    response = _hand_in(client, world)
    assert response.status_code == 302
    text = client.get(_task_url(world)).get_data(as_text=True)
    assert "waiting to be marked" in text and "Hand in your answer" not in text
    submission = db.session.scalars(select(Submission)).one()
    download = client.get(f"{_task_url(world)}/submissions/{submission.id}/file")
    assert download.data == PDF and download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    trainer = login_as(world.trainer, on=app.test_client())
    queue = trainer.get("/marking").get_data(as_text=True)
    assert submission.label in queue and "Amina Officer" in queue
    first, second = world.task.criteria
    assert _mark(trainer, submission.id, {first.id: 3, second.id: 2}).status_code == 302

    text = client.get(_task_url(world)).get_data(as_text=True)
    assert "Royalty added as Article 8 asks." in text and "Tomas Trainer" in text
    assert "3 · Advanced" in text
    profile = client.get("/profile").get_data(as_text=True)
    assert "marked" in profile and "Tomas Trainer" in profile
    assert "Adds the royalty as a condition of sale" in profile


def test_a_file_that_is_not_a_pdf_is_refused_on_the_page_and_nothing_is_kept(
    db, client, login_as, officer, task_world
):
    world = task_world()
    login_as(officer)
    response = _hand_in(client, world, file=(b"<html><script>x</script>", "decision.pdf"))
    assert response.status_code == 400
    assert "Only a PDF" in response.get_data(as_text=True)
    assert db.session.scalars(select(Submission)).all() == []


def test_a_marking_without_every_level_is_refused_and_nothing_is_recorded(
    app, db, client, login_as, officer, task_world
):
    world = task_world()
    login_as(officer)
    _hand_in(client, world)
    submission = db.session.scalars(select(Submission)).one()
    trainer = login_as(world.trainer, on=app.test_client())
    first, _ = world.task.criteria
    response = _mark(trainer, submission.id, {first.id: 3})
    assert response.status_code == 400
    assert "Choose a level." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).status == SubmissionStatus.SUBMITTED


def test_a_resubmission_is_asked_for_from_the_page_without_levels(
    app, db, client, login_as, officer, task_world
):
    world = task_world()
    login_as(officer)
    _hand_in(client, world)
    submission = db.session.scalars(select(Submission)).one()
    trainer = login_as(world.trainer, on=app.test_client())
    response = _mark(trainer, submission.id, {}, comment="Add the royalty.", resubmit="1")
    assert response.status_code == 302
    text = client.get(_task_url(world)).get_data(as_text=True)
    assert "the marker asked you to hand in again" in text and "Add the royalty." in text
    assert "Hand in again" in text


def test_blind_marking_hides_the_name_on_the_queue_and_the_marking_page(
    app, db, client, login_as, officer, task_world
):
    world = task_world(blind_marking=True)
    login_as(officer)
    _hand_in(client, world)
    submission = db.session.scalars(select(Submission)).one()
    trainer = login_as(world.trainer, on=app.test_client())
    for url in ("/marking", f"/marking/submissions/{submission.id}"):
        text = trainer.get(url).get_data(as_text=True)
        assert "Amina Officer" not in text and submission.label in text
    file = trainer.get(f"/marking/submissions/{submission.id}/file")
    assert file.headers["Content-Disposition"] == (
        f'attachment; filename="submission-{submission.label}.pdf"'
    )


def test_nobody_outside_the_scope_reaches_a_submission_or_its_file(
    app, db, client, login_as, officer, other_officer, task_world
):
    world = task_world()
    login_as(officer)
    _hand_in(client, world)
    submission = db.session.scalars(select(Submission)).one()
    outsider = login_as(world.outsider_trainer, on=app.test_client())
    for url in (
        f"/marking/submissions/{submission.id}",
        f"/marking/submissions/{submission.id}/file",
    ):
        response = outsider.get(url)
        assert response.status_code == 404
        assert "Amina" not in response.get_data(as_text=True)
    assert submission.label not in outsider.get("/marking").get_data(as_text=True)
    colleague = login_as(other_officer, on=app.test_client())
    own_file = f"{_task_url(world)}/submissions/{submission.id}/file"
    assert colleague.get(own_file).status_code == 404


def test_every_rubric_page_names_each_criterions_competency_with_its_level_descriptors(
    app, db, client, login_as, officer, task_world
):
    """The officer's task page, the marking page and both previews show, for each criterion,
    the competency's name and what each of its levels means in general (from the framework,
    through the CompetencyGuides lookup), beside the criterion's own descriptors."""
    from competencies.descriptors import DESCRIPTORS
    from competencies.services.descriptors import fill_default_descriptors

    world = task_world()
    fill_default_descriptors()
    db.session.commit()
    login_as(officer)
    assert _hand_in(client, world).status_code == 302
    submission = db.session.scalars(select(Submission)).one()
    trainer = login_as(world.trainer, on=app.test_client())
    course_id = world.item.course_id
    pages = {
        "task page": client.get(_task_url(world)),
        "marking page": trainer.get(f"/marking/submissions/{submission.id}"),
        "task preview": trainer.get(f"/author/courses/{course_id}/tasks/{world.item.id}/preview"),
        "course preview": trainer.get(f"/author/courses/{course_id}/preview"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        rubric = response.get_data(as_text=True)
        end = "</fieldset>" if name == "marking page" else "</th>"  # the marking form's choice
        row = rubric.split("Applies the transaction value method", 1)[1].split(end, 1)[0]
        assert '<span class="criterion-competency">Valuation</span>' in row, name
        assert "What the levels of Valuation mean in general" in row, name
        assert DESCRIPTORS["OPS-VAL"][3] in row, name  # level 4, though the criterion has its own
        assert "Adds the royalty as a condition of sale" in rubric, name  # the criterion's text
        accountability = rubric.split("Writes a decision the trader can appeal", 1)[1]
        assert "What the levels of Accountability mean in general" in accountability, name
