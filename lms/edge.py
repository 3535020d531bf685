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
when one is given (or on one field, when a field is given), as a flashed message with
``flash_errors=True``, or else raised again for the error handler to render as a page with the
error's status. A view that shows some refusals its own way (a list of problems, a message of its
own, only some kinds of error) catches them around the block: by then the edge has rolled back.

    try:
        with saving():
            publishing.set_status(course, wanted)
    except publishing.PublicationProblems as error:
        return render_outline(course, publish_problems=error.problems, status=400)

A refusal listed in ``commit_on`` commits what the block wrote before it, then is shown the same
way: a late quiz submit closes the attempt and refuses the answers, and the closing is kept. Any
other exception rolls back too and propagates. A GET handler does not write, except the places
docs/architecture.md lists under "The edge of a request": lesson progress and the visit marker
of the learning item page (which use ``saving(keep_loaded=True)``), and the closing of an
attempt whose time ran out when its page is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from wtforms import Field, Form

from lms.errors import DomainError
from lms.extensions import db


@dataclass
class Saved:
    """What happened to the writes of a ``saving`` block: true once they are committed;
    `refusal` is the service's refusal that was shown, if there was one."""

    committed: bool = False
    refusal: DomainError | None = None

    @property
    def error(self) -> str | None:
        """The refusal's message."""
        return self.refusal.message if self.refusal is not None else None

    def __bool__(self) -> bool:
        return self.committed


@contextmanager
def saving(
    form: Form | Field | None = None,
    *,
    flash_errors: bool = False,
    keep_loaded: bool = False,
    commit_on: tuple[type[DomainError], ...] = (),
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
        if isinstance(error, commit_on):
            _commit(session, keep_loaded)
            saved.committed = True
        else:
            session.rollback()
        saved.refusal = error
        if isinstance(form, Form):
            form.form_errors.append(error.message)
        elif form is not None:
            form.errors = [*form.errors, error.message]
        elif flash_errors:
            flash(error.message, "error")
        else:
            raise
        return
    except BaseException:
        session.rollback()
        raise
    _commit(session, keep_loaded)
    saved.committed = True


def _commit(session, keep_loaded: bool) -> None:
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def form_status(form: Form) -> int:
    """The status of a page showing a form: 400 when it was submitted and refused (its errors
    are on the page), else 200."""
    refused = form.is_submitted() and (form.errors or getattr(form, "form_errors", None))
    return 400 if refused else 200
