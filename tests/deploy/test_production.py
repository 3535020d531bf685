"""README's Production section, run as written from a folder outside the checkout: its shell
block's lines in order (the wheel installed into a fresh venv, migrations, reference data,
the admin, gunicorn, a worker and beat), then an officer completes a course through HTTP and
the worker issues the certificate. README and this test cannot drift: the test reads the block.

What the test substitutes: its own PostgreSQL and redis-server (started as tests/service_
fixtures.py starts them), temporary folders for /etc/lms, /var/lib/lms and /opt/lms, a free
port, and the secrets; lines marked `# server only` (root, a service user) are skipped.
Plain http on loopback stands for the TLS proxy: LMS_LOCAL_TRIAL=1, and cookies are sent back
whatever their Secure flag (the proxy's client would send them over https).
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest

from config import BASE_DIR
from tests.courses.conftest import answers_for
from tests.deploy.conftest import clean_environment
from tests.service_fixtures import free_port, log_tail, stop_process

pytestmark = pytest.mark.services

SERVER_ONLY = "# server only"
ADMIN_PASSWORD = "Production-Walk-Password-42"
OFFICER_PASSWORD = "Officer-Walk-Password-42"
COURSE = "P-INT-101"
# The variables the README block must export, which the test then points at its own services.
SUBSTITUTED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL")
LONG_RUNNING = ("gunicorn ", "celery ")
CERTIFICATE_TIMEOUT_SECONDS = 90


def production_block() -> list[str]:
    """The command lines of README's Production shell block."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


class Browser:
    """A cookie-keeping HTTP client that never follows redirects."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, page: str, form: dict | None = None):
        """POST `form` with the CSRF token of the page at `page`."""
        status, _, html = self.get(page)
        assert status == 200, (page, status)
        token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)
        return self.request("POST", path, {**(form or {}), "csrf_token": token})

    def sign_in(self, email: str, password: str) -> str:
        status, headers, html = self.post(
            "/login", "/login", {"email": email, "password": password}
        )
        assert status == 302, html[:2000]
        return headers["Location"]


@pytest.fixture
def walk(tmp_path: Path, wheel: Path, postgres_cluster, redis_server) -> Iterator[dict]:
    """Folders, settings and the processes README starts (stopped at the end)."""
    work = tmp_path / "server"
    work.mkdir()
    shutil.copy2(wheel, work / wheel.name)
    port = free_port()
    state = {
        "work": work,
        "port": port,
        "base_url": f"http://127.0.0.1:{port}",
        "paths": {
            "/etc/lms": str(tmp_path / "etc" / "lms"),
            "/var/lib/lms": str(tmp_path / "var" / "lib" / "lms"),
            "/opt/lms": str(tmp_path / "opt" / "lms"),
            "127.0.0.1:8000": f"127.0.0.1:{port}",
        },
        "settings": {
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": postgres_cluster.create_database("lms_production"),
            "REDIS_URL": redis_server.rsplit("/", 1)[0] + "/3",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "LMS_LOCAL_TRIAL": "1",
        },
        "processes": [],
    }
    try:
        yield state
    finally:
        for process, _ in reversed(state["processes"]):
            stop_process(process, signal.SIGTERM)


def substituted(line: str, paths: dict[str, str]) -> str:
    for written, replacement in paths.items():
        line = line.replace(written, replacement)
    return line


def exported_environment(line: str, env: dict[str, str], work: Path) -> dict[str, str]:
    """The environment after an `export …` line, as bash leaves it."""
    result = subprocess.run(
        ["bash", "-c", f"set -e\n{line}\nenv -0"],  # the line may end in a comment
        cwd=work, env=env, capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    pairs = (item.split("=", 1) for item in result.stdout.decode().split("\0") if "=" in item)
    return dict(pairs)


def run_readme(state: dict) -> dict[str, str]:
    """Run README's block; returns the environment its commands ran in."""
    work, paths, settings = state["work"], state["paths"], state["settings"]
    env = clean_environment()
    exported: set[str] = set()
    for line in production_block():
        if SERVER_ONLY in line:
            continue
        command = substituted(line, paths)
        if command.startswith("export "):
            before = env
            env = exported_environment(command, env, work)
            exported |= {key for key in env if before.get(key) != env[key]}
            env.update({key: value for key, value in settings.items() if key in env})
            continue
        env.update({key: value for key, value in settings.items() if key not in SUBSTITUTED})
        if command.startswith(LONG_RUNNING):
            log = work / f"{command.split()[0]}-{len(state['processes'])}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    ["bash", "-c", f"exec {command}"],
                    cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
            state["processes"].append((process, log))
            continue
        stdin = f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n" if "create-admin" in command else None
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=work, env=env, input=stdin, capture_output=True, text=True, timeout=600,
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    assert set(SUBSTITUTED) <= exported, "README's block no longer exports these settings"
    return env


def wait_for_web(state: dict) -> None:
    browser = Browser(state["base_url"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process, log in state["processes"]:
            assert process.poll() is None, f"exited:\n{log_tail(log)}"
        try:
            if browser.get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz in 60 s", pytrace=False)


def create_officer(admin: Browser, database: psycopg.Connection) -> tuple[str, str]:
    """The admin creates an officer through the pages; (email, one-time password)."""
    unit_id = database.execute("SELECT id FROM org_units WHERE code = 'ADM'").fetchone()[0]
    email = "officer.walk@customs.example"
    form = {
        "email": email,
        "full_name": "Amina Walker",
        "service_number": "OFF-0001",
        "unit_id": str(unit_id),
        "position_id": "",
        "roles": "officer",
    }
    status, _, html = admin.post("/admin/users/new", "/admin/users/new", form)
    assert status == 200, html[:2000]
    temporary = re.search(r'<p class="secret"><code>([^<]+)</code>', html).group(1)
    return email, temporary


def complete_course(officer: Browser, database: psycopg.Connection) -> int:
    """Read every lesson and pass every quiz of the course through the pages; its id."""
    course_id = database.execute("SELECT id FROM courses WHERE code = %s", (COURSE,)).fetchone()[0]
    status, _, outline = officer.get(f"/courses/{course_id}")
    assert status == 200
    items = list(dict.fromkeys(re.findall(rf'href="(/courses/{course_id}/items/\d+)"', outline)))
    assert items
    for item in items:
        status, _, page = officer.get(item)
        assert status == 200, item
        if f'action="{item}/attempts"' not in page:
            continue  # a lesson: viewing it records the progress
        status, headers, _ = officer.post(f"{item}/attempts", item)
        assert status == 302
        attempt_id = int(re.search(r"/attempts/(\d+)$", headers["Location"]).group(1))
        snapshot = database.execute(
            "SELECT snapshot FROM attempts WHERE id = %s", (attempt_id,)
        ).fetchone()[0]
        snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
        attempt = f"/attempts/{attempt_id}"
        status, headers, _ = officer.post(f"{attempt}/submit", attempt, answers_for(snapshot))
        assert status == 302 and headers["Location"].endswith(f"{attempt}/result")
    status, _, outline = officer.get(f"/courses/{course_id}")
    assert "You completed this course on" in outline
    return course_id


def urls_in(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from urls_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from urls_in(item)
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        yield value


def test_readme_production_section_as_written(walk):
    env = run_readme(walk)
    wait_for_web(walk)
    instance = Path(walk["paths"]["/var/lib/lms"])
    key = Path(walk["paths"]["/etc/lms"]) / "signing-key.pem"
    assert oct(key.stat().st_mode & 0o777) == "0o640"
    assert env["LMS_INSTANCE_PATH"] == str(instance)
    database_url = walk["settings"]["DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(database_url, autocommit=True) as database:
        admin = Browser(walk["base_url"])
        admin.sign_in("admin@customs.example", ADMIN_PASSWORD)
        email, temporary = create_officer(admin, database)

        officer = Browser(walk["base_url"])
        officer.sign_in(email, temporary)
        change = {
            "current_password": temporary,
            "new_password": OFFICER_PASSWORD,
            "confirm_password": OFFICER_PASSWORD,
        }
        status, _, html = officer.post("/account/password", "/account/password", change)
        assert status == 302, html[:2000]
        course_id = complete_course(officer, database)

        user_id = database.execute("SELECT id FROM users WHERE email = %s", (email,)).fetchone()[0]
        evidence = database.execute(
            "SELECT count(*) FROM evidence WHERE user_id = %s", (user_id,)
        ).fetchone()[0]
        levels = database.execute(
            "SELECT count(*) FROM current_levels WHERE user_id = %s AND level > 0", (user_id,)
        ).fetchone()[0]
        assert evidence > 0 and levels > 0

        deadline = time.monotonic() + CERTIFICATE_TIMEOUT_SECONDS
        code = None
        while code is None and time.monotonic() < deadline:
            row = database.execute(
                "SELECT code FROM certificates WHERE user_id = %s AND course_id = %s",
                (user_id, course_id),
            ).fetchone()
            code = row[0] if row else None
            time.sleep(0.5)
        logs = "\n".join(log_tail(log) for _, log in walk["processes"])
        assert code, f"no certificate issued in {CERTIFICATE_TIMEOUT_SECONDS} s:\n{logs}"

    status, _, mine = officer.get("/my/certificates")
    assert status == 200 and code in mine
    status, _, credential = officer.get(f"/verify/{code}/credential.json")
    assert status == 200
    urls = set(urls_in(json.loads(credential)))
    assert f"{walk['base_url']}/verify/{code}" in urls
    for url in sorted(urls):
        if url.startswith(walk["base_url"]):
            assert Browser(walk["base_url"]).get(urlsplit(url).path)[0] == 200, url
    # Beat keeps its schedule in the instance folder, nowhere else.
    assert list(instance.glob("celerybeat-schedule*"))
    assert not list(walk["work"].glob("celerybeat-schedule*"))
