"""Password policy and hashing (Argon2id)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256

# Frequent choices that pass a length rule: our own list, kept short. The rules in
# _is_predictable catch the patterns (repeats, keyboard runs, "password" + digits) lists miss.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt"

KEYBOARD_RUNS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "0987654321", "abcdefghij")


def password_problems(password: str, *, email: str = "", full_name: str = "") -> list[str]:
    """What is wrong with a proposed password; empty when it is acceptable."""
    password = normalise_password(password)
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(str(_l("Use at least %(n)d characters.", n=MIN_LENGTH)))
    if len(password) > MAX_LENGTH:
        problems.append(str(_l("Use at most %(n)d characters.", n=MAX_LENGTH)))
    if problems:
        return problems
    lowered = password.lower()
    if lowered in common_passwords() or _is_predictable(lowered):
        problems.append(str(_l("This password is too common or predictable; choose another.")))
    personal = [email.split("@")[0].lower(), *full_name.lower().split()]
    if any(len(part) >= 4 and part in lowered for part in personal):
        problems.append(str(_l("Do not use your name or email address in your password.")))
    return problems


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _is_predictable(lowered: str) -> bool:
    if len(set(lowered)) <= 3:
        return True
    core = re.sub(r"[\d!@#$%^&*?.]+$", "", lowered)
    if core in {"password", "passw0rd", "qwerty", "welcome", "letmein", "admin", "customs"}:
        return True
    if len(core) >= 4 and any(core in run for run in KEYBOARD_RUNS):
        return True  # a keyboard run with digits or symbols after it: "asdfghjkl1234"
    return any(lowered.startswith(run[:8]) and len(lowered) - 8 <= 4 for run in KEYBOARD_RUNS)


def normalise_password(password: str) -> str:
    """NFKC, so the same password typed on another keyboard or system (composed or decomposed
    accents, full-width forms) still matches (NIST SP 800-63B)."""
    return unicodedata.normalize("NFKC", password)


def _fast_hashing() -> bool:
    """Cheap Argon2id costs when the app's config asks for them (the test suite)."""
    return has_app_context() and bool(current_app.config.get("PASSWORD_HASH_FAST"))


@cache
def _hasher(fast: bool) -> PasswordHasher:
    if fast:
        # Tests hash thousands of passwords; keep Argon2id, with small costs.
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def hash_password(password: str, *, fast: bool | None = None) -> str:
    """An Argon2id hash; `fast` defaults to the app's PASSWORD_HASH_FAST setting."""
    if fast is None:
        fast = _fast_hashing()
    return _hasher(fast).hash(normalise_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; False for no hash or any mismatch."""
    if not password_hash:
        # Spend the same time as a real check so timing does not reveal missing accounts.
        _hasher(_fast_hashing()).hash("timing-equaliser")
        return False
    try:
        # The hash names its own costs: any hasher verifies it.
        return _hasher(False).verify(password_hash, normalise_password(password))
    except (VerificationError, InvalidHashError):
        return False


def generate_temporary_password() -> str:
    """A one-time password an admin hands over; the user must change it at first login."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
