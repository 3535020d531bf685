"""The platform core: the application factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

import migrations
from config import Config, ConfigError, config_from_environment

# Alembic's scripts, found through their package: beside the code wherever it is installed.
MIGRATIONS_DIR = os.path.dirname(migrations.__file__)


def create_app(
    config: type[Config] | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Build the application. Nothing here touches the schema: migrations are a deploy step."""
    config = config or config_from_environment()
    instance_path = (overrides or {}).get("INSTANCE_PATH", config.INSTANCE_PATH)
    if not instance_path:
        raise ConfigError(
            f"{config.__name__} refuses to start: set LMS_INSTANCE_PATH in the environment to "
            "the folder where this installation keeps its files (for example /var/lib/lms)."
        )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=False)
    app.config.from_object(config)
    if overrides:
        app.config.update(overrides)
    check_required_settings(app, config)
    os.makedirs(app.instance_path, exist_ok=True)
    ensure_secret_key(app)

    register_extensions(app)
    register_blueprints(app)
    register_features(app)
    register_events(app)
    register_request_hooks(app)
    register_error_handlers(app)
    register_commands(app)

    from tasks import celery_init_app

    celery_init_app(app)
    return app


def check_required_settings(app: Flask, config: type[Config]) -> None:
    """Refuse to start (ConfigError, naming the setting and what is wrong) when a required
    setting is missing, PUBLIC_BASE_URL is not a usable address, or the configured signing key
    cannot be used."""
    from lms.links import base_url_problem
    from lms.signing import SigningKeyError, load_configured_key

    refusal = f"{config.__name__} refuses to start"
    missing = [env for key, env in config.REQUIRED_SETTINGS.items() if not app.config.get(key)]
    if app.config.get("CREDENTIAL_SIGNING_KEY_REQUIRED") and not (
        app.config.get("CREDENTIAL_SIGNING_KEY") or app.config.get("CREDENTIAL_SIGNING_KEY_FILE")
    ):
        missing.append("CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE)")
    if missing:
        names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        raise ConfigError(f"{refusal}: set {names} in the environment.")
    problem = base_url_problem(
        app.config["PUBLIC_BASE_URL"],
        https_required=bool(app.config.get("PUBLIC_BASE_URL_HTTPS_REQUIRED")),
        local_trial=bool(app.config.get("LOCAL_TRIAL")),
    )
    if problem:
        raise ConfigError(f"{refusal}: {problem}")
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")
    try:
        load_configured_key(app)
    except SigningKeyError as error:
        raise ConfigError(f"{refusal}: {error}") from None


def ensure_secret_key(app: Flask) -> None:
    """The embedded default keeps a random key in instance/, made on first start."""
    if app.config.get("SECRET_KEY") or not app.config.get("SECRET_KEY_FILE"):
        return
    path = os.path.join(app.instance_path, app.config["SECRET_KEY_FILE"])
    if not os.path.exists(path):
        # Write aside, then link into place: processes starting together agree on one key.
        draft = f"{path}.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, encoding="utf-8") as handle:
        app.config["SECRET_KEY"] = handle.read().strip()


def register_extensions(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from lms.accounts.views import register_login_manager
    from lms.database import configure_database
    from lms.extensions import babel, csrf, db, limiter, migrate

    configure_database(app)
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app)
    if app.config.get("REDIS_URL") and app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    register_login_manager(app)


def register_blueprints(app: Flask) -> None:
    from lms.accounts.admin_views import blueprint as users_admin
    from lms.accounts.import_views import blueprint as imports
    from lms.accounts.views import blueprint as accounts
    from lms.audit.views import blueprint as audit
    from lms.home import blueprint as home
    from lms.notifications.views import blueprint as notifications
    from lms.organisation.views import blueprint as organisation
    from lms.routing import register_converters
    from lms.signing import blueprint as keys

    register_converters(app)
    for blueprint in (accounts, home, users_admin, imports, organisation, audit, notifications):
        app.register_blueprint(blueprint)
    app.register_blueprint(keys)


def register_features(app: Flask) -> None:
    """The feature packages, each attaching its models, pages and commands. Competencies come
    first so that their demo data (frameworks) exists before the courses' demo catalogue (an
    import refuses unknown competency codes) and attempts."""
    import competencies
    import courses

    competencies.init_app(app)
    courses.init_app(app)


def register_events(app: Flask) -> None:
    """Every cross-feature reaction, in one place: which feature handles which event, and which
    answers which lookup. Handlers
    run in the publisher's transaction, in this order, and flush, never commit (lms/events.py).
    Each app gets a registry of its own, so building many apps subscribes nothing twice."""
    from competencies.services.descriptors import answer_competency_guides
    from competencies.services.evidence import record_attempt_evidence
    from competencies.services.frameworks import (
        answer_competency_alignments,
        answer_unknown_competencies,
    )
    from competencies.services.task_evidence import record_task_evidence
    from courses.assignments.services.memberships import complete_memberships_for, sync_memberships
    from courses.certificates.services.issuing import request_certificates_for
    from courses.events import (
        AttemptGraded,
        CompetencyAlignments,
        CompetencyGuides,
        CourseCompleted,
        TaskMarked,
        UnknownCompetencies,
    )
    from lms.events import EXTENSION, EventRegistry, PlacementChanged

    events = EventRegistry()
    # Competencies: evidence rows for the tagged questions, and the current levels they move.
    events.subscribe(AttemptGraded, record_attempt_evidence)
    # Competencies: evidence for each competency a task's rubric judged, the markers as assessors.
    events.subscribe(TaskMarked, record_task_evidence)
    # Certificates: a request for the course and each curriculum it completes (job after commit).
    events.subscribe(CourseCompleted, request_certificates_for)
    # Assignments: the officer's open memberships this course finishes are completed.
    events.subscribe(CourseCompleted, complete_memberships_for)
    # Assignments: officers join or leave the unit and position assignments where they now are.
    events.subscribe(PlacementChanged, sync_memberships)
    # Lookups (one answerer each). Certificates name the competencies a course evidences.
    events.answer(CompetencyAlignments, answer_competency_alignments)
    # Course imports refuse a course naming competency codes no framework holds.
    events.answer(UnknownCompetencies, answer_unknown_competencies)
    # Rubric pages name each criterion's competency and show its generic level descriptors.
    events.answer(CompetencyGuides, answer_competency_guides)
    app.extensions[EXTENSION] = events


def register_request_hooks(app: Flask) -> None:
    from lms.access import register_access_control
    from lms.navigation import register_template_helpers
    from lms.security import register_security_headers

    register_access_control(app)
    register_security_headers(app)
    register_template_helpers(app)


def register_error_handlers(app: Flask) -> None:
    from lms.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from lms.cli import register_cli

    register_cli(app)
