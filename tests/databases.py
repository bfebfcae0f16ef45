"""Databases for the tests: migrated once per test process (a SQLite file and a PostgreSQL
database kept as templates), then copied for each test, which is far quicker than migrating
each time. Tests of the migrations themselves get an empty database.

PostgreSQL is looked for at ``TEST_POSTGRES_URL``; when it is unreachable its tests are skipped,
except with CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.database import make_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """A connection to the server that creates and drops the tests' databases."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI and unreachable at {POSTGRES_URL}: {error.orig}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    yield admin
    admin.dispose()


@contextmanager
def _postgres_database(admin: Engine, template: str | None = None) -> Iterator[str]:
    """A new database (a copy of ``template``, or empty), dropped afterwards; its URL."""
    name = f"cmm_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _migrated(url: str) -> None:
    database = make_engine(url)
    upgrade(database)
    database.dispose()  # no connection left: a template must have none to be copied


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    with _postgres_database(postgres_admin) as url:
        _migrated(url)
        yield str(make_url(url).database)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cmm.sqlite3"
    _migrated(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """The URL of a copy of the migrated ``template`` in ``folder``."""
    path = folder / "cmm.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite database of the test's own."""
    return sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """An empty PostgreSQL database of the test's own."""
    with _postgres_database(postgres_admin) as url:
        yield url


@pytest.fixture(params=BOTH)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database of the test's own; each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    admin, template = request.getfixturevalue("postgres_admin"), request.getfixturevalue("postgres_template")
    with _postgres_database(admin, template) as url:
        yield url


@pytest.fixture(params=BOTH)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, for the tests of the migrations; on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    yield request.getfixturevalue("postgres_url")
