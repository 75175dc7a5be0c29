"""Opening a database: the SQLAlchemy engine with each backend's settings, and the schema migrations.

SQLite gets WAL (readers never wait for the writer), `synchronous=NORMAL` (in WAL mode a transaction that
committed survives a killed process; only a power loss may drop the last ones, never corrupt the file),
foreign keys (for ON DELETE CASCADE), `secure_delete` (deleted text is overwritten, not left in free pages)
and `BEGIN IMMEDIATE` for writes, so two writers queue on the busy timeout instead of failing on a lock
upgrade. PostgreSQL gets a connect timeout and pre-ping, so an unreachable server fails fast and a
restarted one is reconnected to."""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path
from types import ModuleType

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000",
                  "secure_delete=ON")
WRITES = "causerie_writes"  # execution option marking a write transaction


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args)


def sqlite_module() -> ModuleType:
    """The SQLite driver: the standard library's when it can load extensions (sqlite-vec, for document
    vectors), else pysqlite3-binary's (its own SQLite, built with extension loading: pyenv's Python on these
    machines has none), else the standard library's without vectors (documents then say what is missing)."""
    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return sqlite3
    try:
        return importlib.import_module("pysqlite3.dbapi2")
    except ImportError:
        return sqlite3


def load_sqlite_vec(dbapi_connection: object) -> bool:
    """Load sqlite-vec into one connection; False when this SQLite cannot load extensions."""
    try:
        import sqlite_vec

        dbapi_connection.enable_load_extension(True)  # type: ignore[attr-defined]
        sqlite_vec.load(dbapi_connection)
        dbapi_connection.enable_load_extension(False)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, sqlite3.Error, OSError):
        return False
    except Exception as error:  # noqa: BLE001 - pysqlite3's own Error class is not sqlite3.Error
        if type(error).__module__.startswith("pysqlite3"):
            return False
        raise
    return True


def has_vectors(engine: Engine) -> bool:
    """Whether this store can keep document vectors (always on PostgreSQL: they are plain bytes there)."""
    return bool(getattr(engine, "causerie_vectors", engine.dialect.name != "sqlite"))


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, module=sqlite_module(), connect_args={"timeout": 30, "check_same_thread": False})
    engine.causerie_vectors = True  # type: ignore[attr-defined]  # until a connection fails to load it

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
        if not load_sqlite_vec(dbapi_connection):
            engine.causerie_vectors = False  # type: ignore[attr-defined]

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        immediate = connection.get_execution_options().get(WRITES)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the head revision, in one transaction. Raises CommandError when the database
    was written by a newer causerie (a revision this code does not know)."""
    config = alembic_config()
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two servers starting at once: the second waits here, then finds the schema up to date.
            connection.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # noqa: BLE001 - no table yet: an empty database
            return None


__all__ = ["CommandError", "make_engine", "migrate", "current_revision", "head_revision", "has_vectors"]
