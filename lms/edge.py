"""The edge of a request: where the writes a view asked for are committed, once.

Services flush and never commit. A view that writes wraps the service calls in ``saving``:

    with saving(form) as saved:
        services.update_user(user, details, actor_id=current_user.id)
    if saved:
        flash(_("Account saved."), "success")
        return redirect(...)
    return render_template(...)  # the form now carries the refusal

When the block ends cleanly the session is committed, and the jobs queued during it are sent
(lms.jobs sends them on commit). When a service refuses with a DomainError the session is rolled
back (nothing of the request is written, no job is sent) and the refusal is shown: on the form
when one is given, as a flashed message with ``flash_errors=True``, or else raised again for the
error handler to render as a page with the error's status. Any other exception rolls back too and
propagates. A GET handler does not write, except the two places written down in
docs/architecture.md (lesson progress and the visit marker), which use ``saving(keep_loaded=True)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from flask_wtf import FlaskForm

from lms.errors import DomainError
from lms.extensions import db


@dataclass
class Saved:
    """What happened to the writes of a ``saving`` block: true once they are committed."""

    committed: bool = False
    error: str | None = None

    def __bool__(self) -> bool:
        return self.committed


@contextmanager
def saving(
    form: FlaskForm | None = None, *, flash_errors: bool = False, keep_loaded: bool = False
) -> Iterator[Saved]:
    """Commit the block's writes once, or roll them back and show the service's refusal.

    `keep_loaded` commits without expiring what the session has loaded, for a page that goes on
    to render what it has just written (otherwise every object used again, the signed-in user
    too, is reloaded one query at a time)."""
    saved = Saved()
    session = db.session()
    try:
        yield saved
    except DomainError as error:
        session.rollback()
        saved.error = error.message
        if form is not None:
            form.form_errors.append(error.message)
        elif flash_errors:
            flash(error.message, "error")
        else:
            raise
        return
    except BaseException:
        session.rollback()
        raise
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    saved.committed = True
