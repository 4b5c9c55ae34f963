"""Alembic's entry point: migrate the store on the connection the emulator hands over.

The emulator runs the migrations itself (emulator.store.schema); a developer adding one runs
`alembic -c emulator/store/migrations/alembic.ini revision --autogenerate -m "..."` against a
store file named by `-x db=PATH`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from emulator.store.tables import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        database = context.get_x_argument(as_dictionary=True).get("db", "mm-emulator.db")
        url = database if "://" in database else f"sqlite:///{database}"
        with create_engine(url).connect() as connection:
            _migrate(connection)
            connection.commit()
        return
    _migrate(connection)


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters a table by copying it; batch mode does that for every change.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
