"""Configuration classes: the only place that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def instance_folder() -> Path | None:
    """Where the instance's files live (SQLite database, generated keys, the file broker,
    beat's schedule): LMS_INSTANCE_PATH; else, in a source checkout (bin/run, bin/test, an
    editable install), the checkout's instance/. An installed platform has no folder of its own
    to write in (its code sits in site-packages, which must stay as pip left it), so there it
    is None and create_app refuses to start until LMS_INSTANCE_PATH names one."""
    if os.environ.get("LMS_INSTANCE_PATH"):
        return Path(os.environ["LMS_INSTANCE_PATH"]).resolve()
    if (BASE_DIR / "pyproject.toml").is_file():
        return BASE_DIR / "instance"
    return None


INSTANCE_DIR = instance_folder()
# Production has no default address: a wrong one would be printed on every certificate.
_PUBLIC_BASE_URL: str | None = os.environ.get("PUBLIC_BASE_URL") or None


class ConfigError(RuntimeError):
    """A required setting is missing or wrong; the message names it."""


class Config:
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    INSTANCE_PATH: str | None = str(INSTANCE_DIR) if INSTANCE_DIR else None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lms_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # Tokens live as long as the (server-side, 12-hour) session: a long quiz must not lose its
    # answers to an expired form token.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_SUPPORTED_LOCALES = ("en",)

    # Login throttling: failures per account (by email, existing or not) within the window.
    LOGIN_MAX_FAILURES = 10
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    # Per remote address, enforced by Flask-Limiter on the login form.
    LOGIN_RATE_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    RATELIMIT_ENABLED = True
    # Without Redis, limits are counted per process (the embedded default runs one machine).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_STARTTLS = os.environ.get("MAIL_USE_STARTTLS", "") == "1"
    MAIL_USERNAME: str | None = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD: str | None = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER") or "learning@customs.invalid"
    HSTS = False
    USER_IMPORT_MAX_ROWS = 100_000
    DEMO_DATA_ALLOWED = True
    # Assignments reaching more officers than this are fanned out by a background job.
    ASSIGNMENT_INLINE_LIMIT = 500

    # The address the public reaches the platform at: printed (as a QR code) on certificates,
    # used as the id of every credential and in mails' links, so it must be absolute and stable
    # (create_app checks it: a scheme and a host; https in production).
    PUBLIC_BASE_URL: str | None = _PUBLIC_BASE_URL or "http://127.0.0.1:5000"
    PUBLIC_BASE_URL_HTTPS_REQUIRED = False
    LOCAL_TRIAL = False
    # How many proxies stand in front of the app (the TLS proxy: 1). Their X-Forwarded-For and
    # X-Forwarded-Proto are then believed (Werkzeug's ProxyFix), so the app sees the client's
    # address and that the request came over https (HSTS, Secure cookies). 0 believes nobody.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or 0)
    # The RSA key that signs certificates' credentials (PEM text, or a file holding it). Unset:
    # a key generated on first use in instance/credential-signing-key.pem (not in production).
    CREDENTIAL_SIGNING_KEY: str | None = os.environ.get("CREDENTIAL_SIGNING_KEY") or None
    CREDENTIAL_SIGNING_KEY_FILE: str | None = os.environ.get("CREDENTIAL_SIGNING_KEY_FILE") or None
    CREDENTIAL_SIGNING_KEY_REQUIRED = False
    # The issuer named in credentials and on certificates.
    CREDENTIAL_ISSUER_NAME = (
        os.environ.get("CREDENTIAL_ISSUER_NAME") or "National Customs Administration"
    )
    # Certificate requests still pending this long after their job was sent are sent again
    # (beat, every minute): a lost message or a dead worker delays a certificate, never loses it.
    CERTIFICATE_REQUEUE_AFTER_SECONDS = 120
    # The public verification page, per remote address.
    VERIFY_RATE_LIMIT = "30 per minute"
    # A recertification assignment is due this many days after the certificate expired.
    RECERTIFICATION_DUE_DAYS = 60
    # Quiz answers that arrive up to this many seconds after an attempt's time limit are still
    # graded: the time the network takes to carry them, not extra time. The attempt page states
    # it in words, and its countdown sends the answers at the time limit, so the whole grace is
    # left to the network; later answers close the attempt with no score.
    QUIZ_SUBMIT_GRACE_SECONDS = 10

    # Settings that must hold a value, mapped to the environment variable that provides it.
    REQUIRED_SETTINGS: dict[str, str] = {}


class DevelopmentConfig(Config):
    """The embedded default: SQLite in instance/, filesystem broker unless REDIS_URL is set."""

    DEBUG = False
    # Without SECRET_KEY, create_app keeps a random key in instance/secret_key.
    SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
    SQLALCHEMY_DATABASE_URI = Config.SQLALCHEMY_DATABASE_URI or (
        f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}" if INSTANCE_DIR else None
    )


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("LMS_TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    # Cheap Argon2id costs for the hashes the suite makes (read by lms.accounts.passwords).
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    # The demo's passwords are published in the README: never load it into production.
    DEMO_DATA_ALLOWED = False
    # LMS_LOCAL_TRIAL=1: a trial on this machine before the TLS proxy exists, reached on a
    # loopback address: an http PUBLIC_BASE_URL is allowed and cookies are not Secure. Never on
    # by default (README, First production trial).
    LOCAL_TRIAL = os.environ.get("LMS_LOCAL_TRIAL", "") == "1"
    # Secure cookies travel over https only: signing in over plain http fails (the form's
    # token rides in the session cookie), except in a local trial.
    SESSION_COOKIE_SECURE = not LOCAL_TRIAL
    # Sent on requests that arrived over https (request.is_secure), never on plain http.
    HSTS = True
    PUBLIC_BASE_URL = _PUBLIC_BASE_URL
    PUBLIC_BASE_URL_HTTPS_REQUIRED = True  # unless LOCAL_TRIAL, on a loopback address

    # Without Redis, workers on other machines would not see the jobs and each web process
    # would count rate limits alone.
    REQUIRED_SETTINGS = {
        "SECRET_KEY": "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
        "REDIS_URL": "REDIS_URL",
        "PUBLIC_BASE_URL": "PUBLIC_BASE_URL",
    }
    # CREDENTIAL_SIGNING_KEY or CREDENTIAL_SIGNING_KEY_FILE (either one): checked by create_app,
    # which also loads it, so a key that cannot be used stops the start, not a later request.
    CREDENTIAL_SIGNING_KEY_REQUIRED = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by LMS_CONFIG (default: development, the embedded default)."""
    name = os.environ.get("LMS_CONFIG", "development").lower()
    if name not in CONFIGS:
        raise ConfigError(f"LMS_CONFIG={name!r} is not one of: {', '.join(CONFIGS)}")
    return CONFIGS[name]
