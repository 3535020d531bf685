"""The platform's signing key: credentials are signed with it (RS256), and its public half is
published at /.well-known/jwks.json so that anyone can check them with a standard JWT library.

Production reads the key from CREDENTIAL_SIGNING_KEY (PEM text) or CREDENTIAL_SIGNING_KEY_FILE.
The embedded default generates one on first use in instance/credential-signing-key.pem, written
aside and linked into place, so processes starting together (web, worker) agree on one key.
The key is loaded once per process and app.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Flask, current_app, jsonify
from jwt.algorithms import RSAAlgorithm

from lms.access import allow_public

ALGORITHM = "RS256"
KEY_FILE_NAME = "credential-signing-key.pem"
GENERATED_KEY_BITS = 2048
MINIMUM_KEY_BITS = 2048
_EXTENSION = "credential_signing_key"
_lock = threading.Lock()

blueprint = Blueprint("keys", __name__)


class SigningKeyError(RuntimeError):
    """The configured signing key cannot be used; the message says why."""


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK, with its id and intended use."""
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact JWS (RS256) of `claims`, its header naming this key."""
        return jwt.encode(
            claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "JWT"}
        )


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The RFC 7638 thumbprint of the public key: stable, and derived from the key alone."""
    numbers = public_key.public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    canonical = json.dumps(
        {"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}, separators=(",", ":")
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _load_pem(pem: bytes, where: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(f"{where} is not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningKeyError(
            f"{where} is not an RSA private key (credentials are signed with {ALGORITHM})."
        )
    if key.key_size < MINIMUM_KEY_BITS:
        raise SigningKeyError(
            f"{where} holds an RSA key of {key.key_size} bits: at least {MINIMUM_KEY_BITS} "
            "are needed."
        )
    return key


def _read_key_file(file_name: str) -> bytes:
    where = f"CREDENTIAL_SIGNING_KEY_FILE={file_name}"
    try:
        with open(file_name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise SigningKeyError(f"{where}: there is no such file.") from None
    except PermissionError:
        raise SigningKeyError(f"{where} is not readable by this user ({_this_user()}).") from None
    except OSError as error:
        raise SigningKeyError(f"{where} cannot be read: {error.strerror}.") from None


def _this_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return f"uid {os.geteuid()}"


def _generated_key_pem(instance_path: str) -> bytes:
    """The embedded default's key, generated on first use (mode 0600)."""
    path = os.path.join(instance_path, KEY_FILE_NAME)
    if not os.path.exists(path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=GENERATED_KEY_BITS)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Write aside, then link into place: of processes racing here, the first link wins and
        # every one of them reads that key.
        draft = f"{path}.{os.getpid()}.{threading.get_ident()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, "rb") as handle:
        return handle.read()


def load_signing_key(config: dict[str, Any], instance_path: str) -> SigningKey:
    """The key named by the configuration (see the module docstring)."""
    if config.get("CREDENTIAL_SIGNING_KEY"):
        key = _load_pem(config["CREDENTIAL_SIGNING_KEY"].encode(), "CREDENTIAL_SIGNING_KEY")
    elif config.get("CREDENTIAL_SIGNING_KEY_FILE"):
        file_name = config["CREDENTIAL_SIGNING_KEY_FILE"]
        key = _load_pem(_read_key_file(file_name), f"CREDENTIAL_SIGNING_KEY_FILE={file_name}")
    else:
        key = _load_pem(_generated_key_pem(instance_path), KEY_FILE_NAME)
    return SigningKey(key, key_id(key.public_key()))


def signing_key(app: Flask | None = None) -> SigningKey:
    """This app's signing key, loaded once per process."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.extensions.get(_EXTENSION)
    if key is None:
        with _lock:
            key = app.extensions.get(_EXTENSION)
            if key is None:
                key = load_signing_key(app.config, app.instance_path)
                app.extensions[_EXTENSION] = key
    return key


def load_configured_key(app: Flask) -> None:
    """Load the configured key now (at start), so that a key that cannot be used stops the
    start, naming what is wrong, instead of a later /.well-known/jwks.json answering 500.
    Without one, the embedded default's key is still generated on first use."""
    if app.config.get("CREDENTIAL_SIGNING_KEY") or app.config.get("CREDENTIAL_SIGNING_KEY_FILE"):
        app.extensions[_EXTENSION] = load_signing_key(app.config, app.instance_path)


def public_jwks(app: Flask | None = None) -> dict[str, list[dict[str, str]]]:
    return {"keys": [signing_key(app).public_jwk()]}


@blueprint.route("/.well-known/jwks.json")
@allow_public
def jwks():
    """The public key that verifies every credential the platform signs."""
    response = jsonify(public_jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
