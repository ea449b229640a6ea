"""Fixtures of the fault drills: a private Redis and a private PostgreSQL with the schema, shared
by the drills of one run (set up once: about ten seconds) and removed afterwards."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.faults.stack import PYTHON, ROOT, PrivatePostgres, PrivateRedis, django_env


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def fault_folder():
    folder = Path(tempfile.mkdtemp(prefix="npo-faults-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder inside
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def private_redis(fault_folder):
    folder = fault_folder / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(private_redis):
    """The private Redis, running and empty at the start of each drill."""
    if private_redis.process is None or private_redis.process.poll() is not None:
        private_redis.start()
    private_redis.client().flushall()
    return private_redis


@pytest.fixture(scope="session")
def private_postgres(fault_folder):
    folder = fault_folder / "postgres"
    folder.mkdir()
    server = PrivatePostgres(folder)
    server.init()
    server.start()
    try:
        server.createdb()
        # Tables straight from the models (as pytest-django's --nomigrations): seconds, where
        # running every migration takes half a minute.
        done = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "migrate", "--run-syncdb", "-v", "0"],
            env=django_env(
                DJANGO_SETTINGS_MODULE="tests.faults.settings_syncdb",
                DATABASE_URL=server.url(),
            ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode:
            pytest.fail(f"Creating the drill database failed:\n{done.stderr[-3000:]}")
        yield server
    finally:
        server.stop()
