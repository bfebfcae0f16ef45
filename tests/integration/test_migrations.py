"""The migrations: on an empty database they make exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.database import make_engine
from storage.migrate import is_current, upgrade


def test_migrations_bring_an_empty_database_to_exactly_the_models_once(empty_database_url: str):
    """A model changed without a migration (or the other way round) shows up here: Alembic
    compares the migrated schema with the models: tables, columns, types, defaults, indexes."""
    database = make_engine(empty_database_url)
    assert not is_current(database)
    upgrade(database)
    upgrade(database)  # a second run changes nothing
    assert is_current(database)
    with database.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    database.dispose()
