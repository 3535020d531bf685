"""The real platform for browser journeys, started once for them all as `bin/run` starts it:
a temporary instance folder (`flask db upgrade`, `flask demo load`), gunicorn on a free
loopback port, and a Celery worker process on the embedded `filesystem://` broker, so that
background jobs such as certificates really run. Chromium is Debian's /usr/bin/chromium,
driven by Playwright's bundled driver (`playwright install` is never used).

No Chromium, or no Playwright package: the journeys skip with a loud reason, or fail when
LMS_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from config import BASE_DIR
from tests.browser.journey import Journey
from tests.service_fixtures import (
    STOP_TIMEOUT_SECONDS,
    free_port,
    log_tail,
    service_unavailable,
    wait_until_ready,
)

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that reaches for the internet (which is closed here): no background
# networking, component updates, sync or QUIC probes.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).with_name("screenshots")
BIN = Path(sys.executable).parent
SETUP_TIMEOUT_SECONDS = 180
# Settings of the developer's or CI's environment that must not reach the embedded platform.
FOREIGN_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "LMS_TEST_DATABASE_URL",
    "LMS_CONFIG",
    "LMS_INSTANCE_PATH",
    "SECRET_KEY",
    "CREDENTIAL_SIGNING_KEY",
    "CREDENTIAL_SIGNING_KEY_FILE",
    "MAIL_SERVER",
    "PUBLIC_BASE_URL",
    "FLASK_APP",
)


@dataclass(frozen=True)
class LiveServer:
    url: str
    instance: Path
    logs_folder: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.instance / 'lms.sqlite3'}"

    def logs(self) -> str:
        """The end of the server's and the worker's logs, for failure messages."""
        return "\n".join(
            f"--- {name} ---\n{log_tail(self.logs_folder / name, 40)}"
            for name in ("server.log", "worker.log")
        )


@pytest.fixture(scope="package")
def chromium() -> str:
    """Debian's Chromium and the Playwright package, or a loud skip (a failure in CI)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        service_unavailable(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        service_unavailable(
            "the Python package playwright is missing: bin/setup-env dev installs it "
            "(never run `playwright install`: the journeys use Debian's Chromium)"
        )
    return CHROMIUM


def platform_environment(instance: Path, url: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    environment.update(
        LMS_CONFIG="development",
        LMS_INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi",
        PUBLIC_BASE_URL=url,
        PYTHONPATH=str(BASE_DIR),
    )
    return environment


def run_setup_command(args: list[str], environment: dict[str, str], log: Path) -> None:
    with log.open("ab") as output:
        done = subprocess.run(
            [str(BIN / "flask"), *args],
            cwd=BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=SETUP_TIMEOUT_SECONDS,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{log_tail(log)}", pytrace=False)


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_process(
    command: list, cwd: Path, environment: dict[str, str], log: Path
) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a group of its own: its children go with it
        )


def stop_together(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to all (gunicorn's graceful stop, Celery's warm shutdown), then wait for each:
    stopping them one after the other would add their shutdown times up."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # each runs in a session of its own
            process.wait()


@pytest.fixture(scope="package")
def live_server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """gunicorn and a Celery worker on a fresh instance with the demo data; stopped once the
    last journey has run (package scope: not kept running through the rest of the suite)."""
    folder = tmp_path_factory.mktemp("browser-platform")
    instance = folder / "instance"
    worker_cwd = folder / "worker-cwd"  # stays empty: the worker keeps its files in instance/
    worker_cwd.mkdir()
    port = free_port()
    server = LiveServer(f"http://127.0.0.1:{port}", instance, folder)
    environment = platform_environment(instance, server.url)
    setup_log = folder / "setup.log"
    run_setup_command(["db", "upgrade"], environment, setup_log)
    run_setup_command(["demo", "load"], environment, setup_log)

    processes: list[subprocess.Popen] = []
    try:
        web = start_process(
            [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
            BASE_DIR,
            environment,
            folder / "server.log",
        )
        processes.append(web)
        worker = start_process(
            [BIN / "celery", "-A", "tasks.worker", "worker", "--loglevel=INFO", "--concurrency=1"],
            worker_cwd,
            environment,
            folder / "worker.log",
        )
        processes.append(worker)
        wait_until_ready(
            lambda: answers_http(f"{server.url}/login"), web, "gunicorn", folder / "server.log"
        )
        wait_until_ready(
            lambda: " ready." in (folder / "worker.log").read_text(errors="replace"),
            worker,
            "the Celery worker",
            folder / "worker.log",
        )
        yield server
    finally:
        stop_together(processes)


@pytest.fixture(scope="package")
def browser(chromium: str):
    """One Chromium for the journeys (Playwright's sync API, started and stopped here so that
    its event loop lives exactly as long as the fixture). Each `launch` uses a fresh
    temporary profile."""
    from playwright.sync_api import Error, sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        except Error as error:
            pytest.fail(f"Chromium at {chromium} did not start: {error}", pytrace=False)
        yield launched
        launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_journey(browser, live_server: LiveServer) -> Iterator[Callable[[str], Journey]]:
    """Builder: open_journey("officer") is a Journey in a new tab of a new browser context
    (no cookies), at the live server."""
    contexts = []

    def open_(name: str) -> Journey:
        context = browser.new_context(
            base_url=live_server.url,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Journey(context.new_page(), name, SCREENSHOTS, live_server.logs)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def platform_database(live_server: LiveServer) -> Iterator[Engine]:
    """The live platform's database, for what a test must read behind the pages' back (such
    as an attempt's answer key, which no page shows)."""
    engine = create_engine(live_server.database_url)
    yield engine
    engine.dispose()
