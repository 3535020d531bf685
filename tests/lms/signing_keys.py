"""PEM keys for the tests that start production: made once per run (RSA generation is slow)."""

from __future__ import annotations

import functools
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@functools.cache
def rsa_key_pem(bits: int = 2048) -> str:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=bits))


@functools.cache
def ec_key_pem() -> str:
    return _pem(ec.generate_private_key(ec.SECP256R1()))


def write_key(path: Path, pem: str | None = None) -> Path:
    """A key file at `path` (a good 2048-bit RSA key unless `pem` is given)."""
    path.write_text(pem if pem is not None else rsa_key_pem())
    path.chmod(0o600)
    return path
