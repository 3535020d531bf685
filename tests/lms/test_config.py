"""Configuration: production refuses to start without its secrets, naming what is missing, and
with an address or a signing key it cannot use, naming what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from flask import Flask

from config import BASE_DIR, ConfigError, ProductionConfig, config_from_environment
from lms import create_app
from tests.lms.signing_keys import ec_key_pem, rsa_key_pem, write_key

START_APP = (
    "from lms import create_app; app = create_app(); "
    "print(app.config['SESSION_COOKIE_SECURE'], app.config['PUBLIC_BASE_URL'])"
)
SECRET = "a-long-random-production-key"
PUBLIC = "https://learning.customs.example"


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
            "PUBLIC_BASE_URL",
            "LMS_LOCAL_TRIAL",
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
def production_starts(tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    """(exit code, stdout, stderr) of production starts, run side by side to save time."""
    folder = tmp_path_factory.mktemp("production")
    database = f"sqlite:///{folder}/lms.sqlite3"
    redis = "redis://127.0.0.1:6399/0"  # not contacted at start
    key = {"CREDENTIAL_SIGNING_KEY_FILE": str(write_key(folder / "signing-key.pem"))}
    url = {"PUBLIC_BASE_URL": PUBLIC}
    processes = {
        "no secret key": start_in_subprocess(
            folder / "a", DATABASE_URL=database, REDIS_URL=redis, **key, **url
        ),
        "no database url": start_in_subprocess(
            folder / "b", SECRET_KEY=SECRET, REDIS_URL=redis, **key, **url
        ),
        "no redis url": start_in_subprocess(
            folder / "d", SECRET_KEY=SECRET, DATABASE_URL=database, **key, **url
        ),
        "no signing key": start_in_subprocess(
            folder / "e", SECRET_KEY=SECRET, DATABASE_URL=database, REDIS_URL=redis, **url
        ),
        "no public base url": start_in_subprocess(
            folder / "f", SECRET_KEY=SECRET, DATABASE_URL=database, REDIS_URL=redis, **key
        ),
        "all": start_in_subprocess(
            folder / "c", SECRET_KEY=SECRET, DATABASE_URL=database, REDIS_URL=redis, **key, **url
        ),
        "local trial": start_in_subprocess(
            folder / "g",
            SECRET_KEY=SECRET,
            DATABASE_URL=database,
            REDIS_URL=redis,
            **key,
            PUBLIC_BASE_URL="http://127.0.0.1:8000/",
            LMS_LOCAL_TRIAL="1",
        ),
    }
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = (process.returncode, stdout, stderr)
    return results


def test_production_without_secret_key_refuses_to_start(production_starts):
    returncode, _, stderr = production_starts["no secret key"]
    assert returncode != 0
    last_line = stderr.strip().splitlines()[-1]
    assert last_line == (
        "config.ConfigError: ProductionConfig refuses to start: set SECRET_KEY in the environment."
    )


def test_production_without_database_url_refuses_to_start(production_starts):
    returncode, _, stderr = production_starts["no database url"]
    assert returncode != 0
    assert "set DATABASE_URL in the environment" in stderr.strip().splitlines()[-1]


def test_production_without_redis_url_refuses_to_start(production_starts):
    returncode, _, stderr = production_starts["no redis url"]
    assert returncode != 0
    assert "set REDIS_URL in the environment" in stderr.strip().splitlines()[-1]


def test_production_without_a_signing_key_refuses_to_start(production_starts):
    returncode, _, stderr = production_starts["no signing key"]
    assert returncode != 0
    assert (
        stderr.strip()
        .splitlines()[-1]
        .endswith("set CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE) in the environment.")
    )


def test_production_without_a_public_base_url_refuses_to_start(production_starts):
    returncode, _, stderr = production_starts["no public base url"]
    assert returncode != 0
    assert "set PUBLIC_BASE_URL in the environment" in stderr.strip().splitlines()[-1]


def test_production_with_all_its_settings_starts_with_secure_cookies(production_starts):
    returncode, stdout, stderr = production_starts["all"]
    assert returncode == 0, stderr
    assert stdout.split() == ["True", PUBLIC]


def test_a_local_trial_starts_on_loopback_http_without_secure_cookies(production_starts):
    returncode, stdout, stderr = production_starts["local trial"]
    assert returncode == 0, stderr
    assert stdout.split() == ["False", "http://127.0.0.1:8000"]


def test_an_empty_secret_counts_as_missing(tmp_path):
    with pytest.raises(ConfigError, match="set SECRET_KEY, DATABASE_URL and REDIS_URL"):
        create_app(
            ProductionConfig,
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "",
                "SQLALCHEMY_DATABASE_URI": "",
                "PUBLIC_BASE_URL": PUBLIC,
                "CREDENTIAL_SIGNING_KEY_FILE": "/etc/lms/signing-key.pem",
            },
        )


def start_production(tmp_path, **overrides) -> Flask:
    """create_app(ProductionConfig) with every required setting good, but for `overrides`."""
    settings = {
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/lms.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6399/0",  # not contacted
        "PUBLIC_BASE_URL": PUBLIC,
        "CREDENTIAL_SIGNING_KEY": rsa_key_pem(),
        "LOCAL_TRIAL": False,
        **overrides,
    }
    return create_app(ProductionConfig, settings)


def refusal(tmp_path, **overrides) -> str:
    with pytest.raises(ConfigError) as refused:
        start_production(tmp_path, **overrides)
    message = str(refused.value)
    assert message.startswith("ProductionConfig refuses to start: ")
    return message


@pytest.mark.parametrize("value", ["learning.customs.example", "https://", "/lms", "ftp://x.y"])
def test_a_public_base_url_without_scheme_or_host_is_refused(tmp_path, value):
    assert refusal(tmp_path, PUBLIC_BASE_URL=value) == (
        f"ProductionConfig refuses to start: PUBLIC_BASE_URL={value!r} is not an absolute "
        "address: write it with its scheme and host, e.g. https://learning.customs.example"
    )


def test_an_http_public_base_url_is_refused_and_the_local_trial_named(tmp_path):
    message = refusal(tmp_path, PUBLIC_BASE_URL="http://learning.customs.example")
    assert "PUBLIC_BASE_URL='http://learning.customs.example' must be an https address" in message
    assert "set LMS_LOCAL_TRIAL=1" in message


def test_a_local_trial_allows_http_only_on_a_loopback_address(tmp_path):
    message = refusal(tmp_path, LOCAL_TRIAL=True, PUBLIC_BASE_URL="http://10.1.2.3:8000")
    assert "LMS_LOCAL_TRIAL=1 allows http only on a loopback address" in message
    for loopback in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        app = start_production(tmp_path, LOCAL_TRIAL=True, PUBLIC_BASE_URL=loopback)
        assert app.config["PUBLIC_BASE_URL"] == loopback


def test_a_missing_key_file_is_refused_naming_its_path(tmp_path):
    path = tmp_path / "no-such-key.pem"
    assert refusal(
        tmp_path, CREDENTIAL_SIGNING_KEY=None, CREDENTIAL_SIGNING_KEY_FILE=str(path)
    ) == (
        f"ProductionConfig refuses to start: CREDENTIAL_SIGNING_KEY_FILE={path}: "
        "there is no such file."
    )


def test_a_key_file_this_user_cannot_read_is_refused(tmp_path, monkeypatch):
    path = write_key(tmp_path / "signing-key.pem")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: stand in for the kernel's refusal

        def refuse(name, *args, **kwargs):
            raise PermissionError(13, "Permission denied", name)

        monkeypatch.setattr("lms.signing.open", refuse, raising=False)
    message = refusal(tmp_path, CREDENTIAL_SIGNING_KEY=None, CREDENTIAL_SIGNING_KEY_FILE=str(path))
    assert f"CREDENTIAL_SIGNING_KEY_FILE={path} is not readable by this user (" in message


@pytest.mark.parametrize(
    ("pem", "complaint"),
    [
        ("not a key at all", "is not an unencrypted PEM private key"),
        (ec_key_pem(), "is not an RSA private key (credentials are signed with RS256)."),
        (rsa_key_pem(1024), "holds an RSA key of 1024 bits: at least 2048 are needed."),
    ],
    ids=["not pem", "not rsa", "1024 bits"],
)
def test_a_key_that_cannot_sign_is_refused_saying_why(tmp_path, pem, complaint):
    path = write_key(tmp_path / "signing-key.pem", pem)
    message = refusal(tmp_path, CREDENTIAL_SIGNING_KEY=None, CREDENTIAL_SIGNING_KEY_FILE=str(path))
    assert message.startswith(
        f"ProductionConfig refuses to start: CREDENTIAL_SIGNING_KEY_FILE={path} "
    )
    assert complaint in message
    assert complaint in refusal(tmp_path, CREDENTIAL_SIGNING_KEY=pem)


def test_a_good_start_loads_the_key_and_publishes_it(tmp_path):
    path = write_key(tmp_path / "signing-key.pem")
    app = start_production(
        tmp_path, CREDENTIAL_SIGNING_KEY=None, CREDENTIAL_SIGNING_KEY_FILE=str(path)
    )
    path.unlink()  # read at start: the running app no longer needs the file
    response = app.test_client().get("/.well-known/jwks.json", base_url=PUBLIC)
    assert response.status_code == 200
    [key] = response.get_json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256"


def test_an_unknown_config_name_is_refused(monkeypatch):
    monkeypatch.setenv("LMS_CONFIG", "staging")
    with pytest.raises(ConfigError, match="'staging' is not one of: development, testing"):
        config_from_environment()


def test_production_cookies_are_secure_and_https_responses_carry_hsts(tmp_path):
    app = start_production(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    response = app.test_client().get("/static/platform.css", base_url=PUBLIC)
    response.close()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
