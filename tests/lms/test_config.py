"""Configuration: production refuses to start without its secrets, naming what is missing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import BASE_DIR, ConfigError, ProductionConfig, config_from_environment
from lms import create_app

START_APP = "from lms import create_app; create_app()"
SECRET = "a-long-random-production-key"


def start_in_subprocess(tmp_path, **settings: str) -> subprocess.Popen:
    """Start create_app() with LMS_CONFIG=production and exactly `settings` of the secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "LMS_CONFIG",
            "CREDENTIAL_SIGNING_KEY",
            "CREDENTIAL_SIGNING_KEY_FILE",
        }
    }
    env.update(LMS_CONFIG="production", LMS_INSTANCE_PATH=str(tmp_path), **settings)
    return subprocess.Popen(
        [sys.executable, "-c", START_APP],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def production_starts(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """(exit code, stderr) of four production starts, run side by side to save time."""
    folder = tmp_path_factory.mktemp("production")
    database = f"sqlite:///{folder}/lms.sqlite3"
    redis = "redis://127.0.0.1:6399/0"  # not contacted at start
    key = {"CREDENTIAL_SIGNING_KEY_FILE": str(folder / "signing-key.pem")}
    processes = {
        "no secret key": start_in_subprocess(
            folder / "a", DATABASE_URL=database, REDIS_URL=redis, **key
        ),
        "no database url": start_in_subprocess(
            folder / "b", SECRET_KEY=SECRET, REDIS_URL=redis, **key
        ),
        "no redis url": start_in_subprocess(
            folder / "d", SECRET_KEY=SECRET, DATABASE_URL=database, **key
        ),
        "no signing key": start_in_subprocess(
            folder / "e", SECRET_KEY=SECRET, DATABASE_URL=database, REDIS_URL=redis
        ),
        "all": start_in_subprocess(
            folder / "c", SECRET_KEY=SECRET, DATABASE_URL=database, REDIS_URL=redis, **key
        ),
    }
    results = {}
    for name, process in processes.items():
        _, stderr = process.communicate(timeout=120)
        results[name] = (process.returncode, stderr)
    return results


def test_production_without_secret_key_refuses_to_start(production_starts):
    returncode, stderr = production_starts["no secret key"]
    assert returncode != 0
    last_line = stderr.strip().splitlines()[-1]
    assert last_line == (
        "config.ConfigError: ProductionConfig refuses to start: set SECRET_KEY in the environment."
    )


def test_production_without_database_url_refuses_to_start(production_starts):
    returncode, stderr = production_starts["no database url"]
    assert returncode != 0
    assert "set DATABASE_URL in the environment" in stderr.strip().splitlines()[-1]


def test_production_without_redis_url_refuses_to_start(production_starts):
    returncode, stderr = production_starts["no redis url"]
    assert returncode != 0
    assert "set REDIS_URL in the environment" in stderr.strip().splitlines()[-1]


def test_production_without_a_signing_key_refuses_to_start(production_starts):
    returncode, stderr = production_starts["no signing key"]
    assert returncode != 0
    assert (
        stderr.strip()
        .splitlines()[-1]
        .endswith("set CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE) in the environment.")
    )


def test_production_with_all_its_settings_starts(production_starts):
    returncode, stderr = production_starts["all"]
    assert returncode == 0, stderr


def test_an_empty_secret_counts_as_missing(tmp_path):
    with pytest.raises(ConfigError, match="set SECRET_KEY, DATABASE_URL and REDIS_URL"):
        create_app(
            ProductionConfig,
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "",
                "SQLALCHEMY_DATABASE_URI": "",
                "CREDENTIAL_SIGNING_KEY_FILE": "/etc/lms/signing-key.pem",
            },
        )


def test_an_unknown_config_name_is_refused(monkeypatch):
    monkeypatch.setenv("LMS_CONFIG", "staging")
    with pytest.raises(ConfigError, match="'staging' is not one of: development, testing"):
        config_from_environment()


def test_production_cookies_are_secure_and_responses_carry_hsts(tmp_path):
    app = create_app(
        ProductionConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lms.sqlite3",
            "REDIS_URL": "redis://127.0.0.1:6399/0",  # not contacted by these requests
            "CREDENTIAL_SIGNING_KEY_FILE": "/etc/lms/signing-key.pem",  # not read either
        },
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    response = app.test_client().get("/static/platform.css")
    response.close()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
