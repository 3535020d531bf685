"""Certificates: the officer's own, the public verify page and credential downloads, who holds
which (trainers, HR, admins), and revoking (admins).

The verify pages need no login and are rate-limited per address; an unknown or malformed code
is a plain "not found". Views are thin: the services read and write, the view commits once.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from courses.certificates.models import Certificate, CertificateState
from courses.certificates.services import register
from courses.certificates.services.credentials import CONTEXT, credential_of, issuer_profile
from lms.access import allow, allow_public
from lms.edge import saving
from lms.extensions import limiter
from lms.pagination import paginate
from lms.timeutil import utcnow

blueprint = Blueprint("certificates", __name__, template_folder="templates")

STATE_LABELS = {
    CertificateState.VALID.value: _l("Valid"),
    CertificateState.EXPIRED.value: _l("Expired"),
    CertificateState.REVOKED.value: _l("Revoked"),
}
VIEWERS = ("trainer", "hr", "admin")


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# Every verify URL counts against the same per-address budget: guessing codes through the
# downloads is no cheaper than through the page.
verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verify")


@blueprint.app_template_filter("certificate_state")
def certificate_state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


# --- the officer's own -----------------------------------------------------------------------


@blueprint.route("/my/certificates")
@allow("officer")
def my_certificates():
    return render_template(
        "certificates/mine.html",
        certificates=register.certificates_of(current_user.id),
        pending=register.pending_requests_of(current_user.id),
        now=utcnow(),
    )


@blueprint.route("/my/certificates/<int:certificate_id>/certificate.pdf")
@allow("officer")
def my_certificate_pdf(certificate_id: int):
    certificate = register.own_certificate(certificate_id, current_user.id)
    response = Response(certificate.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- public verification ---------------------------------------------------------------------


def _not_found(code: str):
    return render_template("certificates/verify.html", certificate=None, code=code[:40]), 404


@blueprint.route("/verify/<code>")
@allow_public
@verify_limit
def verify(code: str):
    certificate = register.find_by_code(code)
    if certificate is None:
        return _not_found(code)
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        state=certificate.state(utcnow()),
        code=certificate.code,
    )


def _credential_file(certificate: Certificate, body: str, mimetype: str, extension: str):
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="credential-{certificate.code}.{extension}"'
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.route("/verify/<code>/credential.jwt")
@allow_public
@verify_limit
def credential_jwt(code: str):
    """The signed credential (VC-JWT), to check against /.well-known/jwks.json."""
    certificate = register.find_by_code(code)
    if certificate is None:
        return _not_found(code)
    return _credential_file(certificate, certificate.credential, "application/jwt", "jwt")


@blueprint.route("/verify/<code>/credential.json")
@allow_public
@verify_limit
def credential_json(code: str):
    """The credential the JWT carries, as JSON, for reading (its proof is the JWT)."""
    certificate = register.find_by_code(code)
    if certificate is None:
        return _not_found(code)
    body = json.dumps(credential_of(certificate.credential), indent=2, ensure_ascii=False)
    return _credential_file(certificate, body, "application/json", "json")


@blueprint.route("/issuer")
@allow_public
@verify_limit
def issuer():
    """The issuer's profile, where every credential's `issuer.id` points."""
    config = current_app.config
    profile = issuer_profile(config["PUBLIC_BASE_URL"], config["CREDENTIAL_ISSUER_NAME"])
    body = json.dumps({"@context": list(CONTEXT), **profile}, indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- who holds which -------------------------------------------------------------------------


class HolderFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name, service number or code"), validators=[Optional(), Length(max=100)])
    content = SelectField(_l("Course or curriculum"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])


@blueprint.route("/certificates")
@allow(*VIEWERS)
def holders():
    form = HolderFilterForm(formdata=request.args)
    form.content.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(key, title) for key, title in register.certified_contents(current_user)
    ]
    form.state.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(value, str(label)) for value, label in STATE_LABELS.items()
    ]
    form.validate()  # a filter with an error is shown with its message and not applied
    filters = register.HolderFilter(
        content="" if form.content.errors else form.content.data or "",
        state="" if form.state.errors else form.state.data or "",
        search="" if form.q.errors else form.q.data or "",
    )
    page = paginate(register.holders_query(current_user, filters))
    return render_template("certificates/holders.html", form=form, page=page, now=utcnow())


# --- revoking --------------------------------------------------------------------------------


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=register.MAX_REVOKE_REASON)],
        description=_l("Shown on the public verification page."),
    )


@blueprint.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@allow("admin")
def revoke(certificate_id: int):
    certificate = register.get_certificate(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            register.revoke_certificate(certificate, actor=current_user, reason=form.reason.data)
        if saved:
            flash(_("Certificate %(code)s revoked.", code=certificate.code), "success")
            return redirect(url_for("certificates.verify", code=certificate.code))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "certificates/revoke.html", form=form, certificate=certificate, now=utcnow()
    ), status
