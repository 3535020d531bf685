"""The platform as a deploy gets it: a wheel built from this checkout, installed into a fresh
virtual environment outside it, and commands run from a folder that is not the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import BASE_DIR
from tests.service_fixtures import service_unavailable

# What a wheel is built from: the project's own files, nothing of a developer's checkout
# (.venv, instance/, build/ and tests stay out).
SOURCES = ("pyproject.toml", "README.md", "config.py", "wsgi.py")
PACKAGES = ("lms", "courses", "competencies", "tasks", "migrations")
# Settings of the developer's shell that would make a command find the checkout or its data.
LEAKING_VARIABLES = ("PYTHONPATH", "FLASK_APP", "VIRTUAL_ENV", "PYTHONHOME")
INSTALL_TIMEOUT_SECONDS = 600


def clean_environment(**settings: str) -> dict[str, str]:
    """The process environment without anything pointing at the checkout or configuring the
    platform (LMS_*, DATABASE_URL, ...), plus `settings`."""
    platform = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in LEAKING_VARIABLES
        and key not in platform
        and not key.startswith(("LMS_", "CREDENTIAL_"))
    }
    env.update(settings)
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The platform's wheel, built (pip wheel, build isolation) from a copy of the sources."""
    source = tmp_path_factory.mktemp("wheel-source")
    for name in SOURCES:
        shutil.copy2(BASE_DIR / name, source / name)
    for package in PACKAGES:
        shutil.copytree(
            BASE_DIR / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
         "-q", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False,
    )  # fmt: skip
    if built.returncode != 0:
        service_unavailable(f"pip could not build the wheel (no package index?):\n{built.stderr}")
    (found,) = out.glob("customs_lms-*.whl")
    return found


def install_into_new_venv(venv: Path, wheel: Path) -> Path:
    """A fresh virtual environment at `venv` with the wheel and its dependencies (from the
    package index, through pip's cache); returns its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
         "-q", str(wheel)],
        capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False,
        env=clean_environment(),
    )  # fmt: skip
    if installed.returncode != 0:
        service_unavailable(f"pip could not install the wheel's dependencies:\n{installed.stderr}")
    return site_packages(venv)


def site_packages(venv: Path) -> Path:
    (found,) = (venv / "lib").glob("python3*/site-packages")
    return found


def files_under(folder: Path) -> set[str]:
    """Every file below `folder`, bytecode caches aside (Python writes those where it may)."""
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
