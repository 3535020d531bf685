"""Competency profiles: an officer's own (/profile), and others' for the people allowed.

Who sees whose profile:
- an officer: their own only; anyone else's id is a 403 (whether or not it exists);
- HR: the people of their unit's subtree; anyone outside it is a 404;
- an administrator: everyone;
- a trainer: every officer (trainers of the national and regional training units rate
  officers from any office, on the job or in workshops, and there is no cohort to restrict
  them to). Only trainers add manual ratings, never for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from competencies.models import DEFAULT_SCALE
from competencies.services.evidence import add_manual_rating
from competencies.services.gaps import gap_class
from competencies.services.matrix_queries import holds_officer_role
from competencies.services.profile import competency_profile
from competencies.services.requirements import requirement_catalogue
from lms.access import allow
from lms.accounts.models import Role, User
from lms.accounts.services import matches_search
from lms.edge import saving
from lms.errors import NotFound, PermissionDenied
from lms.extensions import db
from lms.organisation.services import subtree_unit_ids
from lms.organisation.views import scope_unit_for
from lms.pagination import paginate

blueprint = Blueprint("profiles", __name__, template_folder="../templates")
blueprint.add_app_template_filter(gap_class, "gap_css")


class RatingForm(FlaskForm):
    competency = SelectField(_l("Competency"), coerce=int)
    level = SelectField(
        _l("Level observed"),
        coerce=int,
        choices=[SelectChoice(n, f"{n} {name}") for n, name in enumerate(DEFAULT_SCALE, 1)],
    )
    note = TextAreaField(
        _l("What the rating is based on"),
        description=_l("An observation on the job, a workshop exercise…: officers see this."),
        validators=[DataRequired(), Length(max=2000)],
    )


class OfficerSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Name, email or service number"), validators=[Optional(), Length(max=100)])


def _load_user(user_id: int) -> User | None:
    return db.session.scalar(
        select(User)
        .options(joinedload(User.unit), joinedload(User.position))
        .where(User.id == user_id)
    )


def visible_profile_owner(user_id: int) -> User:
    """The user whose profile the signed-in user asks for, if they may see it."""
    viewer = current_user
    if user_id == viewer.id:
        return _load_user(user_id)
    if not viewer.has_role(Role.ADMIN, Role.TRAINER, Role.HR):
        raise PermissionDenied(_("You can only see your own competency profile."))
    target = _load_user(user_id)
    if target is not None:
        if viewer.has_role(Role.ADMIN):
            return target
        if viewer.has_role(Role.TRAINER) and target.has_role(Role.OFFICER):
            return target
        if viewer.has_role(Role.HR) and target.unit.path.startswith(scope_unit_for(viewer).path):
            return target
    raise NotFound(_("There is no officer %(id)d within your scope.", id=user_id))


def can_rate(owner: User) -> bool:
    return (
        current_user.has_role(Role.TRAINER)
        and owner.id != current_user.id
        and owner.active
        and owner.has_role(Role.OFFICER)
    )


@dataclass(frozen=True)
class RatingGuide:
    """What each level of a competency means, shown beside the rating form's level choice."""

    competency_id: int
    name: str
    levels: tuple[tuple[int, str, str], ...]  # (level, level name, descriptor)


def rating_form_for(form: RatingForm | None = None) -> tuple[RatingForm, list[RatingGuide]]:
    """The rating form with every competency to choose from, and the level descriptors of
    those that have them."""
    form = form or RatingForm()
    catalogue = requirement_catalogue()
    form.competency.choices = {
        framework.name: [SelectChoice(c.id, f"{c.code} {c.name}") for c in competencies]
        for framework, competencies in catalogue
    }
    guides = [
        RatingGuide(
            competency.id,
            competency.name,
            tuple(
                (level, name, competency.descriptor(level))
                for level, name in enumerate(framework.scale, start=1)
                if competency.descriptor(level)
            ),
        )
        for framework, competencies in catalogue
        for competency in competencies
        if competency.level_descriptors
    ]
    if not form.is_submitted():  # the competency asked for (?rate=), else the first
        first = next((c.id for _, competencies in catalogue for c in competencies), None)
        form.competency.data = request.args.get("rate", first, type=int)
    return form, guides


def render_profile(owner: User, form: RatingForm | None = None, status: int = 200):
    rating_form, guides = rating_form_for(form) if can_rate(owner) else (None, [])
    return render_template(
        "competencies/profile.html",
        owner=owner,
        own=owner.id == current_user.id,
        profile=competency_profile(owner),
        rating_form=rating_form,
        rating_guides=guides,
    ), status


@blueprint.route("/profile")
@allow("officer")
def my_profile():
    return render_profile(_load_user(current_user.id))


@blueprint.route("/profile/<int:user_id>")
@allow("officer", "trainer", "hr", "admin")
def profile(user_id: int):
    return render_profile(visible_profile_owner(user_id))


@blueprint.route("/profile/<int:user_id>/ratings", methods=["POST"])
@allow("trainer")
def add_rating(user_id: int):
    owner = visible_profile_owner(user_id)
    if owner.id == current_user.id:
        raise PermissionDenied(_("You cannot rate your own competencies."))
    if not can_rate(owner):
        raise NotFound(_("There is no active officer %(id)d to rate.", id=user_id))
    form, _guides = rating_form_for(RatingForm())
    if form.validate_on_submit():
        with saving(form) as saved:
            add_manual_rating(
                owner.id,
                form.competency.data,
                form.level.data,
                form.note.data,
                rated_by_id=current_user.id,
            )
        if saved:
            flash(_("Rating saved for %(name)s.", name=owner.full_name), "success")
            return redirect(url_for("profiles.profile", user_id=owner.id))
    return render_profile(_load_user(owner.id), form)


@blueprint.route("/profiles")
@allow("trainer", "hr", "admin")
def search():
    """Find an officer's profile: trainers and admins search every officer, HR its scope."""
    form = OfficerSearchForm(formdata=request.args)
    form.validate()
    query = (
        select(User)
        .options(joinedload(User.unit), joinedload(User.position))
        .where(
            User.active.is_(True),
            holds_officer_role(),
        )
        .order_by(User.full_name, User.id)
    )
    if not current_user.has_role(Role.ADMIN, Role.TRAINER):
        query = query.where(User.unit_id.in_(subtree_unit_ids(scope_unit_for(current_user))))
    if form.q.data and not form.q.errors:
        query = query.where(matches_search(form.q.data))
    return render_template("competencies/profiles.html", form=form, page=paginate(query))
