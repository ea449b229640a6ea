"""Private Redis and PostgreSQL servers for the fault drills, on free ports in a temporary folder.

The drills stop, restart and kill these, never the machine's shared servers. A missing binary
fails the drill (pytest.fail), it never skips: CI must run them.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> float:
    """Poll ``check`` until true; the seconds it took. Fails the drill after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {timeout} s")


def _binary(name: str, *patterns: str) -> str:
    """``patterns`` first (PostgreSQL's own bin folder, newest version), then PATH."""
    found = next(
        (p for pattern in patterns for p in sorted(glob.glob(pattern), reverse=True)), None
    ) or shutil.which(name)
    if not found:
        pytest.fail(f"The fault drills need {name} (not found on PATH or in {patterns}).")
    return found


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.binary = _binary("redis-server")
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary, arguments of our own
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                # As in docker-compose.yml: what Redis held survives its restart.
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.port), 10, "private Redis starting")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        wait_for(lambda: not _port_open(self.port), 10, "private Redis stopping")

    def client(self, db: int = 0):
        import redis

        return redis.Redis.from_url(self.url(db))


class PrivatePostgres:
    """A throw-away cluster (initdb, fsync off), run as the ``postgres`` user when we are root
    (PostgreSQL refuses to run as root)."""

    def __init__(self, folder: Path) -> None:
        self.bin = Path(_binary("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")).parent
        self.initdb = self.bin / "initdb"
        if not self.initdb.exists():
            pytest.fail(f"The fault drills need initdb next to {self.bin / 'pg_ctl'}.")
        self.port = free_port()
        self.folder = folder
        self.data = folder / "data"
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(
                    "Running as root: the fault drills need a 'postgres' user for PostgreSQL."
                )
            os.chown(folder, self.user.pw_uid, self.user.pw_gid)

    def url(self, name: str = "npo") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            pytest.fail(f"{' '.join(command)} failed: {done.stderr or done.stdout}")

    def init(self) -> None:
        self._run(
            self.initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            self.bin / "pg_ctl", "-D", self.data, "-o", options, "-w", "-t", "30", *extra, action
        )

    def start(self) -> None:
        self.pg_ctl("start", "-l", str(self.folder / "log"))

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast", "-l", str(self.folder / "log"))

    def createdb(self, name: str = "npo") -> None:
        self._run(
            self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )

    def connect(self, name: str = "npo"):
        import psycopg

        return psycopg.connect(self.url(name), autocommit=True)


def django_env(**extra: str) -> dict:
    """The environment for a Django/Celery/gunicorn subprocess of a drill."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
        # Not an xdist process: tests/settings.py would move its Redis database number (the
        # worker of the kill drill then listened on db 1 of the private Redis while the message
        # went to db 0, when the drill ran in xdist's second process).
        and not key.startswith("PYTEST_XDIST")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT), **extra})
    return env


def django_run(code: str, env: dict, timeout: float = 60) -> str:
    """Run ``code`` in a configured Django subprocess; its stdout."""
    script = "import django; django.setup()\n" + code
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        pytest.fail(f"Django subprocess failed:\n{done.stderr[-3000:]}")
    return done.stdout
