"""Configuration classes: the only place that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_PATH", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """A required setting is missing or wrong; the message names it."""


class Config:
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    INSTANCE_PATH = str(INSTANCE_DIR)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lms_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 4
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_SUPPORTED_LOCALES = ("en",)

    # Login throttling: failures per account (by email, existing or not) within the window.
    LOGIN_MAX_FAILURES = 10
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    # Per remote address, enforced by Flask-Limiter on the login form.
    LOGIN_RATE_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    HSTS = False
    USER_IMPORT_MAX_ROWS = 100_000
    CELERY_BEAT_SCHEDULE_FILE = str(INSTANCE_DIR / "celerybeat-schedule")

    # Settings that must hold a value, mapped to the environment variable that provides it.
    REQUIRED_SETTINGS: dict[str, str] = {}


class DevelopmentConfig(Config):
    """The embedded default: SQLite in instance/, filesystem broker unless REDIS_URL is set."""

    DEBUG = False
    # Without SECRET_KEY, create_app keeps a random key in instance/secret_key.
    SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
    SQLALCHEMY_DATABASE_URI = Config.SQLALCHEMY_DATABASE_URI or (
        f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}"
    )


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("LMS_TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS = True

    REQUIRED_SETTINGS = {"SECRET_KEY": "SECRET_KEY", "SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}


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
