"""Alembic environment: runs on the connection ``storage.migrate`` hands over, or on
``DATABASE_URL`` when Alembic's own command line is used (``alembic -c alembic.ini ...``)."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from pydantic_settings import BaseSettings, SettingsConfigDict

    from storage.database import DEFAULT_URL, make_engine

    class _Database(BaseSettings):
        """DATABASE_URL, read as the bot reads it (the environment, then ``.env``)."""

        model_config = SettingsConfigDict(env_file=".env", extra="ignore")
        database_url: str = DEFAULT_URL

    with make_engine(_Database().database_url).begin() as connection:
        _run(connection)
