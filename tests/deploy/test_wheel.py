"""`pip install` of the wheel, then the platform from any folder: the `lms` command finds its
migrations, templates, static files and reference data inside the installed distribution, and
writes nothing into site-packages (issue: a production install that works as written).

Slow (a fresh virtual environment: about a minute with pip's cache), SQLite pass only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from courses.authoring.services.default_catalogue import CATALOGUE
from tests.deploy.conftest import clean_environment, files_under, install_into_new_venv

pytestmark = pytest.mark.services

# Run inside the installed venv: the app from `wsgi` (an installed module, not this checkout),
# its pages through Flask's test client.
PAGES = """
import wsgi, lms
assert "site-packages" in lms.__file__, lms.__file__
client = wsgi.app.test_client()
for url in ("/healthz", "/login", "/static/platform.css", "/.well-known/jwks.json"):
    response = client.get(url)
    print(url, response.status_code)
    response.close()
"""


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory):
    """(venv, site-packages, a working folder outside the checkout, its files before)."""
    folder = tmp_path_factory.mktemp("installed")
    venv = folder / "venv"
    packages = install_into_new_venv(venv, wheel)
    workdir = folder / "elsewhere"
    workdir.mkdir()
    return venv, packages, workdir, files_under(packages)


def run(installed, *args: str, **settings: str) -> subprocess.CompletedProcess:
    venv, _, workdir, _ = installed
    env = clean_environment(**settings)
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    return subprocess.run(
        args, cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def development(workdir: Path) -> dict[str, str]:
    return {
        "LMS_CONFIG": "development",
        "LMS_INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": f"sqlite:///{workdir / 'lms.sqlite3'}",
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    }


def test_the_lms_command_lists_the_platform_commands(installed):
    result = run(installed, "lms", "--help", **development(installed[2]))
    assert result.returncode == 0, result.stderr
    for command in ("db", "users", "backup", "demo", "courses", "competencies", "run"):
        assert f"\n  {command} " in result.stdout, result.stdout


def test_without_an_instance_folder_the_installed_platform_refuses_to_start(installed):
    result = run(installed, "lms", "db", "upgrade", LMS_CONFIG="development")
    assert result.returncode != 0
    assert "set LMS_INSTANCE_PATH in the environment" in result.stderr + result.stdout


def test_migrations_data_and_pages_work_from_any_folder_and_site_packages_stays_as_installed(
    installed,
):
    _, packages, workdir, before = installed
    settings = development(workdir)

    upgraded = run(installed, "lms", "db", "upgrade", **settings)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Running upgrade" in upgraded.stderr  # Alembic's scripts were found and applied

    # The demo reads the packaged reference data: organisation, names, the catalogue's
    # Markdown and GIFT files, the common-passwords list (its accounts' passwords are checked).
    loaded = run(installed, "lms", "demo", "load", **settings)
    assert loaded.returncode == 0, loaded.stderr
    courses = len(list(CATALOGUE.glob("*/course.json")))  # the wheel ships every folder
    assert f"{courses} catalogue courses imported" in loaded.stdout, loaded.stdout

    pages = run(installed, "python", "-c", PAGES, **settings)
    assert pages.returncode == 0, pages.stderr
    assert pages.stdout.split("\n")[:4] == [
        "/healthz 200",
        "/login 200",
        "/static/platform.css 200",
        "/.well-known/jwks.json 200",
    ]

    assert files_under(packages) == before
    assert not (packages / "instance").exists()
    assert (workdir / "instance" / "secret_key").is_file()
