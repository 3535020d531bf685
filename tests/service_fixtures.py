"""Real services for the tests that need them: redis-server and PostgreSQL on free loopback
ports in temporary folders. Missing binaries skip those tests with a loud reason, or fail
them when LMS_REQUIRE_SERVICES=1 (as in CI).

Tests using these fixtures carry the `services` marker.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest

START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def service_unavailable(message: str) -> NoReturn:
    """Skip (or, with LMS_REQUIRE_SERVICES=1, fail) a test whose service cannot be started."""
    if os.environ.get("LMS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (LMS_REQUIRE_SERVICES=1 makes this a failure)", pytrace=False)
    pytest.skip(f"SERVICE MISSING: {message}")


def find_binary(name: str, *fallback_globs: str) -> str | None:
    """`name` on PATH, else in the newest folder matching one of `fallback_globs`."""
    found = shutil.which(name)
    if found:
        return found
    for pattern in fallback_globs:
        for folder in sorted(glob.glob(pattern), key=_version_key, reverse=True):
            candidate = Path(folder) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in Path(folder).parent.name.split(".") if part.isdigit())


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_ready(
    is_ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path
) -> None:
    """Poll `is_ready` until it holds; fail with the service's log if it dies or times out."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{what} exited with code {process.returncode} while starting:\n{log_tail(log)}",
                pytrace=False,
            )
        if is_ready():
            return
        time.sleep(0.05)
    stop_process(process, signal.SIGTERM)
    pytest.fail(
        f"{what} did not become ready in {START_TIMEOUT_SECONDS:.0f} s:\n{log_tail(log)}",
        pytrace=False,
    )


def stop_process(process: subprocess.Popen, sig: int) -> None:
    """Send `sig` and wait; kill the process if it does not stop in time (with its children,
    when it was started in a session of its own)."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            if os.getsid(process.pid) == process.pid:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait()


# --- Redis -------------------------------------------------------------------------------------


def redis_answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free loopback port; yields its URL (database 0)."""
    binary = find_binary("redis-server", "/usr/bin")
    if binary is None:
        service_unavailable("redis-server is not installed: apt-get install redis-server")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    log = folder / "redis.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_until_ready(lambda: redis_answers_ping(port), process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process(process, signal.SIGTERM)


# --- PostgreSQL --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresCluster:
    """A running throw-away cluster, reachable over TCP as the trusted superuser `postgres`."""

    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=5,
        )

    def accepts_connections(self) -> bool:
        try:
            with self.connect():
                return True
        except psycopg.OperationalError:
            return False

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its SQLAlchemy URL."""
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_user_options() -> dict:
    """initdb and postgres refuse to run as root: run them as the `postgres` system user."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        service_unavailable(
            "PostgreSQL cannot run as root and there is no `postgres` system user: "
            "apt-get install postgresql (it creates that user), or run the tests as non-root"
        )
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster in a temporary folder, on a free loopback port."""
    initdb = find_binary("initdb", POSTGRES_BIN_GLOB)
    postgres = find_binary("postgres", POSTGRES_BIN_GLOB)
    if initdb is None or postgres is None:
        service_unavailable("PostgreSQL is not installed: apt-get install postgresql")
    run_as = _postgres_user_options()
    # Not under pytest's base temp: as root that folder is closed to the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="lms-test-postgres-"))
    try:
        if run_as:
            os.chown(folder, run_as["user"], run_as["group"])
        data = folder / "data"
        log = folder / "postgres.log"
        with log.open("wb") as output:
            initialised = subprocess.run(
                [
                    initdb,
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                check=False,
                **run_as,
            )
        if initialised.returncode != 0:
            pytest.fail(f"initdb failed:\n{log_tail(log)}", pytrace=False)
        cluster = PostgresCluster(port=free_port())
        with log.open("ab") as output:
            process = subprocess.Popen(
                [
                    postgres,
                    "-D",
                    str(data),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(cluster.port),
                    "-k",
                    str(folder),
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                **run_as,
            )
        try:
            wait_until_ready(cluster.accepts_connections, process, "PostgreSQL", log)
            yield cluster
        finally:
            stop_process(process, signal.SIGINT)  # "fast" shutdown: ends open sessions
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server(postgres_cluster: PostgresCluster) -> str:
    """The SQLAlchemy URL of a database created for this test session."""
    return postgres_cluster.create_database("lms_test")


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database of this test's own, dropped afterwards."""
    name = f"lms_test_{uuid.uuid4().hex[:12]}"
    url = postgres_cluster.create_database(name)
    yield url
    postgres_cluster.drop_database(name)
