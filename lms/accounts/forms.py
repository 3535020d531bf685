"""Forms for signing in and managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts.models import ROLE_VALUES
from lms.accounts.passwords import MAX_LENGTH

ROLE_LABELS = {
    "officer": _l("Officer"),
    "trainer": _l("Trainer"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    # autocomplete says what each field holds (WCAG 1.3.5), so password managers fill them.
    email = EmailField(
        _l("Email"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    service_number = StringField(_l("Service number"), validators=[DataRequired(), Length(max=32)])
    unit_id = SelectField(_l("Organisation unit"), coerce=int, validators=[DataRequired()])
    position_id = SelectField(_l("Job position"), coerce=int, validators=[Optional()])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLE_VALUES],
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLE_VALUES]
    )


class ConfirmForm(FlaskForm):
    """A button only: the CSRF token is the whole form."""

    confirm = BooleanField(default=True)


class UserImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))])
