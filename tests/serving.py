"""Real servers for tests and benchmarks: scratch PostgreSQL databases, free ports, gunicorn over HTTP."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def create_scratch_database(base_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """Create a database of its own on the PostgreSQL server of `base_url`; returns (its URL, drop).

    Raises whatever the driver raises when the server cannot be reached.
    """
    url = make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # A scratch database need not survive a crash: commits skip the wait for the disk.
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception:
        admin.dispose()
        raise

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def scratch_database_or_none(base_url: str, what: str) -> tuple[str, Callable[[], None]] | None:
    """A benchmark's own database, as (url, drop); None, with a message, when the server is not there."""
    try:
        return create_scratch_database(base_url, "wellness_bench")
    except Exception as error:
        where = make_url(base_url).render_as_string(hide_password=True)
        print(f"{what} skipped: PostgreSQL at {where} is not reachable ({error})")
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    process: subprocess.Popen
    base_url: str
    stderr: Path

    def logs(self) -> str:
        return self.stderr.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_gunicorn(database_url: str, workers: int, workdir: Path, extra_args=()) -> Gunicorn:
    """`gunicorn app:app` on the database, configured from the environment as in production.

    Waits until every worker has booted and /healthz answers; raises RuntimeError with gunicorn's
    stderr when it does not start within two minutes.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "WELLNESS_INSTANCE_PATH": str(workdir),
        "RATELIMIT_STORAGE_URI": "memory://",
        # Plain http on 127.0.0.1, whatever the calling shell has set for production.
        "SERVER_NAME": "",
        "PREFERRED_URL_SCHEME": "http",
        "SESSION_COOKIE_SECURE": "0",
        # Many sign-ins from one address; only failures count, but none may be refused.
        "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "10000 per minute",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "app:app",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        *extra_args,
    ]  # fmt: skip
    stderr = workdir / "gunicorn.stderr"
    with stderr.open("wb") as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    server = Gunicorn(process, f"http://127.0.0.1:{port}", stderr)
    try:
        _wait_until_serving(server, workers)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_serving(server: Gunicorn, workers: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.logs()}")
        if server.logs().count("Booting worker") >= workers:
            try:
                if requests.get(f"{server.base_url}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start serving in {seconds:g} s:\n{server.logs()}")
