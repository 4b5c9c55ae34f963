"""Fixtures: an app on a real SQLite file (or a PostgreSQL database), its test client, a real
waitress server, webhook receivers on loopback, and time moved by the control plane."""

from __future__ import annotations

import gc
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import requests
from flask import Flask

from emulator.app import build_emulator, create_app
from emulator.instance import Emulator
from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.store import Store
from emulator.web.requests import EXTENSION_KEY
from tests.receivers import WebhookReceiver
from tests.support import basic_auth, message

pytest_plugins = ["tests.postgresql"]

SQLITE, POSTGRESQL = "sqlite", "postgresql"
# The suites of the store, the engine and the API, run on SQLite and again on PostgreSQL.
BOTH_BACKENDS = (
    "tests/engine/",
    "tests/numbering/",
    "tests/services/",
    "tests/test_control.py",
    "tests/test_events.py",
    "tests/test_hostile_input.py",
    "tests/test_hostile_numbers.py",
    "tests/test_inbox.py",
    "tests/test_isolation.py",
    "tests/test_kept_state.py",
    "tests/test_chaos_api.py",
    "tests/test_chaos_rules.py",
    "tests/test_messages.py",
    "tests/test_number_authorisation.py",
    "tests/test_reporting_api.py",
    "tests/test_reports_async.py",
    "tests/test_processes.py",
    "tests/test_signature_keys_api.py",
    "tests/test_webhooks_api.py",
)


# pytest-xdist (`--dist loadgroup`) runs each group on one worker. A module is a group, so its
# module-scoped fixtures start once; these folders and modules are one group each:
WORKER_GROUPS = {
    # The SDKs' environments are made on first use, by one worker.
    "tests/contract/": "sdks",
    # Several emulator processes each, under load and against deadlines: one test of each group
    # at a time.
    "tests/test_instances.py": "instances",
    "tests/test_crash_and_concurrency.py": "instances",
    "tests/test_network_exposure.py": "instances",
    "tests/test_processes.py": "processes",
    "tests/test_chaos_processes.py": "processes",
    "tests/engine/test_hanging_receivers.py": "processes",
}
# Modules too long to run on one worker while the others wait: their tests are split into this
# many groups, in order, each starting the module's shared server of its own.
SPLIT_MODULES = {"tests/test_schemathesis.py": 3, "tests/test_cli.py": 2}
# The groups that take longest, started first so that none is left running alone at the end;
# the others follow, those with the most tests first.
STARTED_FIRST = ("processes", "instances", "sdks", "tests/test_cli.py")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. A test spends most of its time waiting on what it
    drives (emulator processes, servers, PostgreSQL, Chromium), which another worker's test can
    use the core for meanwhile."""
    return 2 * (os.cpu_count() or 1)


# Before pytest-xdist's own hook, which names each test by the group it finds on it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put each test in its worker group (see WORKER_GROUPS and SPLIT_MODULES), and the groups in
    the order the workers take them (STARTED_FIRST; pytest-xdist keeps it with
    --no-loadscope-reorder)."""
    paths = [item.path.relative_to(config.rootpath).as_posix() for item in items]
    counts = Counter(paths)
    seen: Counter[str] = Counter()
    groups = []
    for item, path in zip(items, paths, strict=True):
        group = next(
            (name for start, name in WORKER_GROUPS.items() if path.startswith(start)), path
        )
        if path in SPLIT_MODULES:
            group += f"#{seen[path] * SPLIT_MODULES[path] // counts[path]}"
            seen[path] += 1
        item.add_marker(pytest.mark.xdist_group(group))
        groups.append(group)
    sizes = Counter(groups)

    def started(group: str) -> tuple[int, int]:
        first = next(
            (rank for rank, name in enumerate(STARTED_FIRST) if group.startswith(name)), None
        )
        return (first, 0) if first is not None else (len(STARTED_FIRST), -sizes[group])

    order = {id(item): started(group) for item, group in zip(items, groups, strict=True)}
    items.sort(key=lambda item: order[id(item)])


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    """Collect with the cyclic garbage collector paused, then freeze what collection made.

    Collection makes some hundred thousand objects that live for the whole run (test items,
    the cases schemathesis derives from the documents), and the collector would scan them
    again and again as they accumulate: a fifth of collection's time. Frozen, they are also
    left out of every collection during the tests (with the few cycles collection left)."""
    collecting_cycles = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        if collecting_cycles:
            gc.enable()
        gc.freeze()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse to run when pytest-xdist did not apply the groups: the SDK environments would be made
    by several workers at once, and the process tests would run side by side."""
    if getattr(session.config.option, "loadgroup", False) and any(
        "@" not in i.nodeid for i in session.items
    ):
        raise pytest.UsageError("pytest-xdist's groups did not apply: use the pinned pytest")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of the BOTH_BACKENDS modules whose store comes from `store_db` runs twice."""
    # Imported here, once pytest has loaded it as a plugin (pytest_plugins), with its asserts.
    from tests.postgresql import unavailable_reason

    path = metafunc.definition.path.relative_to(metafunc.config.rootpath).as_posix()
    if "store_db" in metafunc.fixturenames and path.startswith(BOTH_BACKENDS):
        reason = unavailable_reason(metafunc.config)
        # Skipped by a mark, the summary says why once per module rather than once per test.
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        backends = [SQLITE, pytest.param(POSTGRESQL, marks=marks)]
        metafunc.parametrize("store_db", backends, indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite store with the emulator's schema, migrated once per session."""
    path = tmp_path_factory.mktemp("sqlite-template") / "emulator.db"
    Store(Settings(db=str(path)).database_url).close()
    return path


@pytest.fixture
def store_db(request, tmp_path, sqlite_template) -> str:
    """The test's store for Settings.db: a SQLite file, or a new PostgreSQL database when the
    test runs on PostgreSQL (skipped where there is none). Either starts as a copy of a store
    migrated once, which is quicker than migrating each."""
    if getattr(request, "param", SQLITE) == POSTGRESQL:
        return request.getfixturevalue("postgresql_url")
    path = tmp_path / "emulator.db"
    shutil.copyfile(sqlite_template, path)
    return str(path)


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(db=store_db)


@pytest.fixture(scope="session")
def kept_apps() -> dict[int, Flask]:
    """This worker's Flask apps, by the largest body they take. An app is its routes, which are
    most of what making one costs, around the emulator in `app.extensions[EXTENSION_KEY]`, whose
    settings it reads on each request; only the largest body is fixed when it is made."""
    return {}


@pytest.fixture
def app(settings, kept_apps):
    """An app around a new emulator on the test's own store, closed after the test; the routes
    are those of an earlier test's app where its largest body is the same."""
    app = kept_apps.get(settings.max_body_bytes)
    if app is None:
        app = kept_apps[settings.max_body_bytes] = create_app(settings)
    else:
        app.extensions[EXTENSION_KEY] = build_emulator(settings)
    yield app
    app.extensions[EXTENSION_KEY].close()


@pytest.fixture
def emulator(app) -> Emulator:
    return app.extensions[EXTENSION_KEY]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def server(app):
    running = EmulatorServer(app).start()
    yield running
    running.stop()


@pytest.fixture
def http(server) -> requests.Session:
    """A requests session whose relative URLs go to the live server."""
    session = _BaseUrlSession(server.base_url)
    yield session
    session.close()


class _BaseUrlSession(requests.Session):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base_url + url, *args, **kwargs)


@pytest.fixture
def send(client):
    """Send messages as DemoAccount through the test client and return their echoes."""

    def _send(*messages: dict, headers: dict | None = None) -> list[dict]:
        response = client.post(
            "/v1/messages", json={"messages": list(messages)}, headers=headers or basic_auth()
        )
        assert response.status_code == 202, response.json
        return response.json["messages"]

    return _send


@pytest.fixture
def send_as_demo(send):
    """Send one message as DemoAccount and return its ID."""

    def _send_one(**fields) -> str:
        return send(message(**fields))[0]["message_id"]

    return _send_one


@pytest.fixture
def receivers():
    """Start receivers on demand: `receivers(answers=[500, 500])`; all are stopped afterwards."""
    started: list[WebhookReceiver] = []

    def _start(**options) -> WebhookReceiver:
        receiver = WebhookReceiver(**options).start()
        started.append(receiver)
        return receiver

    yield _start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def advance(http):
    """Advance the emulator's clock over HTTP and return the new now."""

    def _advance(seconds: float) -> str:
        response = http.post("/_emulator/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        return response.json()["now"]

    return _advance
