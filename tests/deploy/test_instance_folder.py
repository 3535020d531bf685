"""Where an installation keeps its files: LMS_INSTANCE_PATH, the checkout's instance/, or a
refusal to start (an installed platform never writes into site-packages)."""

from __future__ import annotations

import pytest

import config
from config import ConfigError, DevelopmentConfig
from lms import create_app


def test_lms_instance_path_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "lms"))
    assert config.instance_folder() == tmp_path / "lms"


def test_a_relative_lms_instance_path_is_made_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LMS_INSTANCE_PATH", "here")
    assert config.instance_folder() == tmp_path / "here"


def test_a_source_checkout_uses_its_own_instance_folder(monkeypatch):
    monkeypatch.delenv("LMS_INSTANCE_PATH", raising=False)
    assert config.instance_folder() == config.BASE_DIR / "instance"


def test_an_installed_platform_has_no_default_folder(monkeypatch, tmp_path):
    """config.py in site-packages: no pyproject.toml beside it."""
    monkeypatch.delenv("LMS_INSTANCE_PATH", raising=False)
    monkeypatch.setattr(config, "BASE_DIR", tmp_path / "site-packages")
    assert config.instance_folder() is None


def test_without_an_instance_folder_the_app_refuses_to_start():
    class Installed(DevelopmentConfig):
        INSTANCE_PATH = None

    with pytest.raises(ConfigError, match="set LMS_INSTANCE_PATH in the environment"):
        create_app(Installed)
