"""lms.edge.saving: one commit per request, or a rollback and the refusal shown by the view."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from lms.edge import saving
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.organisation.models import OrgUnit


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def add_unit(code: str) -> None:
    db.session.add(OrgUnit(code=code, name=code))
    db.session.flush()


def unit_codes() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(OrgUnit.code)))


def test_a_clean_block_commits_once(app, root_unit):
    with app.test_request_context(), saving() as saved:
        add_unit("NEW")
    assert saved and saved.error is None
    db.session.rollback()  # nothing left to roll back: it was committed
    assert "NEW" in unit_codes()


def test_a_refusal_rolls_back_and_goes_on_the_form(app, root_unit):
    with app.test_request_context(method="POST"):
        form = NameForm()
        with saving(form) as saved:
            add_unit("GONE")
            raise ValidationError("No, thank you.")
        assert not saved and saved.error == "No, thank you."
        assert form.form_errors == ["No, thank you."]
    assert "GONE" not in unit_codes()


def test_a_refusal_on_one_field(app, root_unit):
    with app.test_request_context(method="POST"):
        form = NameForm()
        with saving(form.name) as saved:
            raise ValidationError("Not this name.")
        assert not saved
        assert form.name.errors == ["Not this name."] and form.form_errors == []


def test_a_refusal_flashed(app, root_unit):
    with app.test_request_context():
        with saving(flash_errors=True) as saved:
            raise Conflict("Someone else did it.")
        assert not saved and saved.refusal.status_code == 409
        assert get_flashed_messages(with_categories=True) == [("error", "Someone else did it.")]


def test_a_refusal_with_nowhere_to_go_is_raised_after_the_rollback(app, root_unit):
    with app.test_request_context(), pytest.raises(NotFound), saving():
        add_unit("GONE")
        raise NotFound("No such thing.")
    assert "GONE" not in unit_codes()


def test_a_refusal_in_commit_on_keeps_what_was_written(app, root_unit):
    with app.test_request_context(), pytest.raises(Conflict), saving(commit_on=(Conflict,)):
        add_unit("KEPT")
        raise Conflict("Too late.")
    db.session.rollback()
    assert "KEPT" in unit_codes()


def test_any_other_error_rolls_back_and_propagates(app, root_unit):
    with app.test_request_context(), pytest.raises(RuntimeError), saving():
        add_unit("GONE")
        raise RuntimeError("boom")
    assert "GONE" not in unit_codes()
