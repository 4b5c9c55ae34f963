"""A throwaway PostgreSQL server for the test session, and a fresh database for each test that
asks for one.

The server is this machine's PostgreSQL (Debian's packages put it in
/usr/lib/postgresql/<version>/bin), started on loopback in a temporary folder as an unprivileged
user, and stopped and removed at the end of the session. `--postgresql URL` names a running
server to use instead (its user must be allowed to create databases). Where there is neither a
server nor its driver, the tests that need one are skipped, saying why.
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text

from emulator.store import Store

# Superuser of the throwaway cluster; loopback connections are trusted, so it has no password.
SUPERUSER = "postgres"
# Unprivileged accounts that may run the server when the tests run as root.
SERVER_ACCOUNTS = ("postgres", "nobody")
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    # A throwaway cluster: nothing needs to survive a power cut.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # Several emulator processes, each with its connection pool.
    "max_connections": "400",
}
START_TIMEOUT_SECONDS = 60


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgresql",
        metavar="URL",
        default=os.environ.get("MM_EMULATOR_TEST_POSTGRESQL"),
        help=(
            "A running PostgreSQL server for the tests that use one (postgresql://user@host:port;"
            " the user creates and drops databases). Default: start a throwaway one from the"
            " PostgreSQL installed here. Environment: MM_EMULATOR_TEST_POSTGRESQL."
        ),
    )


class PostgreSQLServer:
    """A server the tests create databases on: `database()` gives the URL of a new one."""

    def __init__(self, url: URL) -> None:
        self.url = url.set(drivername="postgresql+psycopg", database="postgres")
        self._names = itertools.count(1)
        self._template = f"mm_template_{os.getpid()}"
        # CREATE and DROP DATABASE cannot run inside a transaction; one connection, kept open,
        # runs them all, on a thread of its own.
        self._engine = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=1)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mm-test-databases")
        self._execute(f"DROP DATABASE IF EXISTS {self._template}")
        self._execute(f"CREATE DATABASE {self._template}")
        # Migrated once: each test's database is a copy, which is quicker than migrating it.
        Store(self.url_of(self._template)).close()
        # Copying the template's files beats writing each page to the write-ahead log (the
        # default since PostgreSQL 15) for a database this small.
        version = int(self._query("SHOW server_version_num"))
        self._copy = f" TEMPLATE {self._template}"
        self._copy += " STRATEGY = FILE_COPY" if version >= 150000 else ""
        # The next test's database is made while this test runs.
        self._next: Future[str] = self._worker.submit(self._create, self._copy)

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def database(self, migrated: bool = True) -> str:
        """A new database (with the emulator's schema unless `migrated` is False)."""
        if not migrated:
            return self.url_of(self._worker.submit(self._create, "").result())
        name = self._next.result()
        self._next = self._worker.submit(self._create, self._copy)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop a database made by `database()`, ending any connection left to it."""
        self._execute(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")

    def close(self) -> None:
        try:
            self.drop(self.url_of(self._next.result()))
            self._execute(f"DROP DATABASE IF EXISTS {self._template} WITH (FORCE)")
        finally:
            self._worker.shutdown()
            self._engine.dispose()

    def _create(self, options: str) -> str:
        name = f"mm_test_{os.getpid()}_{next(self._names)}"
        self._run(f"CREATE DATABASE {name}{options}")
        return name

    def _execute(self, statement: str) -> None:
        self._worker.submit(self._run, statement).result()

    def _query(self, statement: str) -> str:
        with self._engine.connect() as connection:
            return str(connection.execute(text(statement)).scalar())

    def _run(self, statement: str) -> None:
        with self._engine.connect() as connection:
            connection.execute(text(statement))


class ThrowawayCluster:
    """initdb and pg_ctl in a temporary folder; the server listens on 127.0.0.1 only."""

    def __init__(self, bin_dir: Path) -> None:
        self._bin = bin_dir
        self._account = _server_account()
        self.folder = Path(tempfile.mkdtemp(prefix="mm-emulator-postgresql-"))
        self._data = self.folder / "data"
        self.port = 0

    def start(self) -> URL:
        if self._account is not None:
            os.chown(self.folder, self._account.pw_uid, self._account.pw_gid)
        self._run(
            "initdb",
            *("-D", str(self._data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C"),
            *("--no-sync", "--no-instructions"),
        )
        for _ in range(3):
            self.port = _free_port()
            options = [f"-p {self.port}", f"-k {self.folder}"]
            options += [f"-c {name}={value}" for name, value in SETTINGS.items()]
            started = self._run(
                "pg_ctl",
                *("-D", str(self._data), "-l", str(self.log), "-w"),
                *("-t", str(START_TIMEOUT_SECONDS), "-o", " ".join(options), "start"),
                check=False,
            )
            if started.returncode == 0:
                return URL.create("postgresql+psycopg", SUPERUSER, host="127.0.0.1", port=self.port)
        raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text()}")

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def stop(self) -> None:
        if (self._data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        account = self._account
        result = subprocess.run(
            [str(self._bin / program), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS + 30,
            user=account.pw_uid if account else None,
            group=account.pw_gid if account else None,
            extra_groups=[] if account else None,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")
        return result


def postgresql_bin_dir() -> Path | None:
    """Where this machine's PostgreSQL server programs are, if it has them."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version, reverse=True)
    return Path(found[0]).parent if found else None


def _version(initdb: str) -> int:
    version = Path(initdb).parent.parent.name
    return int(version) if version.isdigit() else 0


def _server_account() -> pwd.struct_passwd | None:
    """The account the server runs as when the tests run as root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_ACCOUNTS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(f"running as root, and none of {SERVER_ACCOUNTS} exists to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unavailable_reason(config: pytest.Config) -> str | None:
    """Why the PostgreSQL tests cannot run here, or None."""
    if importlib.util.find_spec("psycopg") is None:
        return 'the PostgreSQL driver is not installed (pip install -e ".[test]")'
    if config.getoption("postgresql") is None and postgresql_bin_dir() is None:
        return (
            "PostgreSQL is not installed: no initdb on the PATH or in /usr/lib/postgresql/*/bin"
            " (apt-get install postgresql, or --postgresql URL)"
        )
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Where there is no PostgreSQL, the tests that ask for it are skipped by a mark, which the
    summary reports once per module."""
    reason = unavailable_reason(config)
    if reason is None:
        return
    for item in items:
        if "postgresql_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def postgresql_server(request: pytest.FixtureRequest) -> Iterator[PostgreSQLServer]:
    """The session's PostgreSQL server; the test is skipped where there is none."""
    reason = unavailable_reason(request.config)
    if reason:
        pytest.skip(reason)
    given = request.config.getoption("postgresql")
    cluster = None if given else ThrowawayCluster(postgresql_bin_dir())  # type: ignore[arg-type]
    try:
        url = make_url(given) if given else cluster.start()  # type: ignore[union-attr]
        server = PostgreSQLServer(url)
    except BaseException:
        if cluster is not None:
            cluster.stop()
        raise
    yield server
    server.close()
    if cluster is not None:
        cluster.stop()


@pytest.fixture
def postgresql_url(postgresql_server: PostgreSQLServer) -> Iterator[str]:
    """A new database with the emulator's schema, dropped after the test."""
    url = postgresql_server.database()
    yield url
    postgresql_server.drop(url)
