"""Creating the database engine for SQLite (the default) or PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from storage.private_files import create_private_file, make_private_folder

# The local SQLite file, when DATABASE_URL is not set.
DEFAULT_URL = "sqlite:///data/cmm.sqlite3"
# The execution option of a unit of work that only reads (``Storage.reading``): on SQLite it
# begins without the write lock.
READ_ONLY = "cmm_read_only"


def normalize_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosts hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """The engine for ``url``. Its errors do not quote the statement's values (applicants'
    answers), since they end up in the logs."""
    url = normalize_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    database = make_url(url).database
    if database and database != ":memory:":
        # Made here, 0600, rather than by SQLite, 0644 less the umask; SQLite gives its -wal and
        # -shm files the database file's mode.
        make_private_folder(Path(database).parent)
        create_private_file(Path(database))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
    _serialize_sqlite_writers(engine)
    return engine


def _serialize_sqlite_writers(engine: Engine) -> None:
    """Make every SQLite transaction take the write lock when it begins (BEGIN IMMEDIATE).

    A conversation turn reads the draft, then writes it: with SQLite's default deferred
    transactions two processes could both read the old draft. Taking the lock at BEGIN makes
    turns queue up instead, across processes. (The pysqlite recipe from SQLAlchemy's docs.) A
    unit of work that only reads (``READ_ONLY``) begins deferred, and takes no lock from them.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
