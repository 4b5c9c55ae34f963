"""`mm-emulator serve` as a user runs it: a real process, a real port, a SQLite file."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import create_engine, inspect, make_url
from sqlalchemy.pool import NullPool

from tests.support import basic_auth, message

# The first line names the URL, the demo credentials and where the web inbox is.
BANNER = re.compile(
    r"listening on (http://\S+) with key demo_api_key / secret demo_api_secret.*; web inbox at \1/$"
)


def mm_emulator_command() -> list[str]:
    script = shutil.which("mm-emulator", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "emulator"]


@contextmanager
def running_emulator(*args: str, env: dict | None = None, cwd=None):
    """Start `mm-emulator serve ARGS`, yield its base URL, then stop it with SIGTERM."""
    process = subprocess.Popen(
        [*mm_emulator_command(), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    try:
        line = process.stdout.readline()
        match = BANNER.search(line)
        assert match, line + process.stderr.read()
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_the_command_runs_with_the_garbage_collector_on_and_what_it_loaded_frozen():
    # Loading pauses the collector; a server left without it would never free a cycle.
    probe = (
        "import atexit, gc\n"
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count()))\n"
        "from emulator.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "--version"], capture_output=True, text=True, timeout=60
    )
    enabled, frozen = result.stdout.split()[-2:]
    assert enabled == "True" and int(frozen) > 100_000, result.stdout + result.stderr


def test_serve_prints_url_and_credentials_and_answers(tmp_path):
    with running_emulator("--port", "0", "--db", str(tmp_path / "cli.db")) as base_url:
        assert requests.get(f"{base_url}/_emulator/health", timeout=5).json() == {"status": "ok"}


def test_messages_survive_a_restart_on_the_same_file(tmp_path):
    db = str(tmp_path / "restart.db")
    with running_emulator("--port", "0", "--db", db) as base_url:
        sent = requests.post(
            f"{base_url}/v1/messages",
            json={"messages": [message(scheduled="2099-01-01T00:00:00Z")]},
            headers=basic_auth(),
            timeout=5,
        )
        message_id = sent.json()["messages"][0]["message_id"]
    with running_emulator("--port", "0", "--db", db) as base_url:
        status = requests.get(
            f"{base_url}/v1/messages/{message_id}", headers=basic_auth(), timeout=5
        )
        assert status.json()["status"] == "scheduled"


def test_memory_store_and_environment_variables(tmp_path):
    env = {"MM_EMULATOR_DB": ":memory:", "MM_EMULATOR_PORT": "0"}
    with running_emulator(env=env, cwd=tmp_path) as base_url:
        response = requests.post(
            f"{base_url}/v1/messages",
            json={"messages": [message()]},
            headers=basic_auth(),
            timeout=5,
        )
        assert response.status_code == 202
    assert not (tmp_path / "mm-emulator.db").exists()


def test_custom_fixtures_folder(tmp_path):
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - id: Mine\n    api_keys:\n      - {key: k1, secret: s1}\n"
    )
    args = ("--port", "0", "--db", ":memory:", "--fixtures", str(tmp_path))
    process = subprocess.Popen(
        [*mm_emulator_command(), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "key k1 / secret s1 (Mine)" in line
        base_url = re.search(r"(http://\S+)", line).group(1)
        mine = requests.get(f"{base_url}/v1/replies", auth=("k1", "s1"), timeout=5)
        assert mine.status_code == 200
        demo = requests.get(f"{base_url}/v1/replies", headers=basic_auth(), timeout=5)
        assert demo.status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_version():
    result = subprocess.run(
        [*mm_emulator_command(), "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("mm-emulator, version ")


def test_accounts_lists_accounts_and_keys():
    result = subprocess.run(
        [*mm_emulator_command(), "accounts"], capture_output=True, text=True, check=True
    )
    assert "DemoAccount\n  key / secret: demo_api_key / demo_api_secret" in result.stdout
    assert "DemoSubAccount1 (sub-account of DemoAccount)" in result.stdout
    assert "other_api_key / other_api_secret" in result.stdout


def test_reset_clears_a_store_and_puts_its_clock_back(tmp_path):
    db = str(tmp_path / "to-clear.db")
    with running_emulator("--port", "0", "--db", db) as base_url:
        requests.post(
            f"{base_url}/v1/messages",
            json={"messages": [message()]},
            headers=basic_auth(),
            timeout=5,
        )
        advanced = requests.post(
            f"{base_url}/_emulator/clock/advance", json={"seconds": 86400}, timeout=30
        )
        assert advanced.status_code == 200
    subprocess.run([*mm_emulator_command(), "reset", "--db", db], check=True, capture_output=True)
    with running_emulator("--port", "0", "--db", db) as base_url:
        assert requests.get(f"{base_url}/_emulator/messages", timeout=5).json() == {"messages": []}
        now = requests.get(f"{base_url}/_emulator/clock", timeout=5).json()["now"]
    # A day had been added; after the reset the clock is real time again.
    assert abs(datetime.fromisoformat(now) - datetime.now(UTC)) < timedelta(hours=1)


def test_the_log_leaves_out_engine_ticks_skipped_while_the_last_one_runs():
    # Under load every send asks for a tick; one already running makes APScheduler warn.
    script = (
        "import logging\n"
        "from emulator.logs import configure_logging\n"
        "configure_logging()\n"
        "scheduler = logging.getLogger('apscheduler.scheduler')\n"
        "scheduler.warning('Execution of job %r skipped: maximum number of running instances"
        " reached (%d)', 'run_due', 1)\n"
        "scheduler.warning('Job %r raised an exception', 'run_due')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert "skipped" not in result.stderr
    assert "WARNING apscheduler.scheduler: Job 'run_due' raised an exception" in result.stderr


def test_json_logs_one_line_per_request_without_secrets(tmp_path):
    process = subprocess.Popen(
        [
            *mm_emulator_command(),
            "serve",
            "--port",
            "0",
            "--db",
            ":memory:",
            "--log-format",
            "json",
            "--access-log",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = BANNER.search(process.stdout.readline()).group(1)
    headers = basic_auth(account="DemoSubAccount1")
    requests.post(f"{base_url}/v1/messages", json={"messages": [message()]}, headers=headers)
    requests.get(f"{base_url}/v1/replies", headers={"Authorization": "Basic bm9wZTpub3Bl"})
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=15)
    lines = stderr.splitlines()
    assert all(line.startswith("{") for line in lines), stderr  # every line one JSON object
    entries = [json.loads(line) for line in lines]
    requests_logged = [e for e in entries if e["logger"] == "emulator.requests"]
    sent, refused = requests_logged
    assert (sent["method"], sent["path"], sent["status"]) == ("POST", "/v1/messages", 202)
    assert sent["account"] == "DemoSubAccount1"
    assert sent["duration_ms"] >= 0
    assert (refused["status"], refused["account"]) == (403, None)
    assert "demo_api_secret" not in stderr and "Basic " not in stderr and "bm9wZ" not in stderr


def test_no_line_per_request_without_the_access_log():
    process = subprocess.Popen(
        [*mm_emulator_command(), "serve", "--port", "0", "--db", ":memory:", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = BANNER.search(process.stdout.readline()).group(1)
    sent = requests.post(
        f"{base_url}/v1/messages", json={"messages": [message()]}, headers=basic_auth()
    )
    assert sent.status_code == 202
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=15)
    assert "/v1/messages" not in stderr


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*mm_emulator_command(), *args], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def assert_fails_with(result: subprocess.CompletedProcess, *problems: str) -> None:
    """The command failed with one `mm-emulator: error:` line per problem and nothing else."""
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"mm-emulator: error: {problem}" for problem in problems]


def test_port_already_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--db", ":memory:")
    assert_fails_with(result, f"port {port} is already in use on 127.0.0.1")


@pytest.mark.parametrize("port", ["-5", "99999"])
def test_port_out_of_range(port):
    result = run_cli("serve", "--port", port, "--db", ":memory:")
    assert_fails_with(result, f"port must be from 0 to 65535, not {port}")


def test_no_worker_threads():
    result = run_cli("serve", "--threads", "0", "--db", ":memory:")
    assert_fails_with(result, "threads must be at least 1, not 0")


def test_db_in_a_missing_folder(tmp_path):
    db = tmp_path / "missing" / "store.db"
    result = run_cli("serve", "--port", "0", "--db", str(db))
    assert_fails_with(result, f"cannot create the store {db}: there is no folder {db.parent}")
    assert not db.parent.exists()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
def test_db_in_a_folder_that_cannot_be_written():
    # Nobody, root included, can create a file in /proc.
    result = run_cli("serve", "--port", "0", "--db", "/proc/store.db")
    assert_fails_with(result, "cannot open the store /proc/store.db: unable to open database file")


def test_postgresql_without_its_driver():
    # The tests install the driver: this process hides it from the command.
    hidden = "import sys; sys.modules['psycopg'] = None; from emulator.cli import main; main()"
    url = "postgresql://mm:s3cret@localhost/mm"
    command = [sys.executable, "-c", hidden, "serve", "--port", "0", "--db", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert_fails_with(
        result,
        "cannot open the store postgresql://mm:***@localhost/mm: the PostgreSQL driver is not"
        ' installed; pip install "psycopg[binary]" (the emulator\'s "postgresql" extra)',
    )


def test_broken_yaml_names_file_and_line(tmp_path):
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "accounts.yaml").write_text("accounts:\n  - id: A\n   numbers: []\n")
    result = run_cli("serve", "--port", "0", "--fixtures", str(fixtures), cwd=tmp_path)
    assert_fails_with(
        result,
        f"{fixtures / 'accounts.yaml'}: line 3, column 4:"
        " expected <block end>, but found '<block mapping start>'.",
    )
    assert not (tmp_path / "mm-emulator.db").exists()


def test_bad_regex_and_error_code_in_outcomes(tmp_path):
    (tmp_path / "outcomes.yaml").write_text(
        "rules:\n"
        '  - content: "(urgent"\n'
        "    error_code: 302\n"
        '  - destinaton: "+61400000001"\n'
        "    error_code: 200\n"
    )
    result = run_cli("serve", "--port", "0", "--db", ":memory:", "--fixtures", str(tmp_path))
    outcomes = tmp_path / "outcomes.yaml"
    assert_fails_with(
        result,
        f"{outcomes}: rules[0].content: Not a valid regular expression:"
        " missing ), unterminated subpattern at position 0.",
        f"{outcomes}: rules[1].error_code: 200 is not a final error code (it means submitted).",
        f"{outcomes}: rules[1].destinaton: Unknown field.",
    )


def test_a_chaos_file_is_checked_like_the_fixtures(tmp_path):
    chaos = tmp_path / "chaos.yaml"
    chaos.write_text(
        "rules:\n"
        "  - path: /v1/messages\n"
        "    fault: {status: 418}\n"
        "  - side: webhook\n"
        "    fault: {drop: true}\n"
        "    times: 0\n"
    )
    result = run_cli("serve", "--port", "0", "--chaos", str(chaos), cwd=tmp_path)
    assert_fails_with(
        result,
        f"{chaos}: rules[0].fault.status: Must be one of: 429, 500, 502, 503, 504.",
        f"{chaos}: rules[1].times: Must be greater than or equal to 1 and less than or equal"
        " to 1000000000.",
        f"{chaos}: rules[1].fault: drop is a fault of side api, not webhook.",
    )
    assert not (tmp_path / "mm-emulator.db").exists()
    missing = tmp_path / "missing.yaml"
    result = run_cli("serve", "--port", "0", "--db", ":memory:", "--chaos", str(missing))
    assert_fails_with(result, f"chaos file {missing} does not exist")


def test_serve_with_a_fixtures_folder_that_does_not_exist(tmp_path):
    missing = tmp_path / "nonexistent"
    result = run_cli("serve", "--port", "0", "--db", ":memory:", "--fixtures", str(missing))
    assert_fails_with(result, f"fixtures folder {missing} does not exist")


def test_accounts_checks_the_fixtures_too(tmp_path):
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - id: A\n  - id: B\n    features: {deduplication: yes}\n"
    )
    (tmp_path / "outcomes.yaml").write_text(
        'rules:\n  - destinaton: "+61400000001"\n    error_code: 411\n'
    )
    result = run_cli("accounts", "--fixtures", str(tmp_path))
    assert_fails_with(
        result,
        f"{tmp_path / 'accounts.yaml'}: accounts[1].features.deduplication: Not a valid boolean.",
        f"{tmp_path / 'outcomes.yaml'}: rules[0].destinaton: Unknown field.",
    )
    missing = tmp_path / "nonexistent"
    assert_fails_with(
        run_cli("accounts", "--fixtures", str(missing)), f"fixtures folder {missing} does not exist"
    )


def test_reset_of_a_store_that_does_not_exist_creates_nothing(tmp_path):
    result = run_cli("reset", "--db", "typo.db", cwd=tmp_path)
    assert_fails_with(result, f"there is no store at {(tmp_path / 'typo.db').resolve()}")
    assert list(tmp_path.iterdir()) == []


def test_reset_of_a_postgresql_database_without_a_store_creates_nothing(postgresql_server):
    empty = postgresql_server.database(migrated=False)
    try:
        result = run_cli("reset", "--db", empty)
        assert_fails_with(result, f"there is no store at {empty}")
        with create_engine(empty, poolclass=NullPool).connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        postgresql_server.drop(empty)


def test_reset_does_not_print_the_password_of_the_store(postgresql_server):
    store = make_url(postgresql_server.database())
    # The throwaway server trusts loopback: any password gets in.
    with_password = store.set(password="s3cret").render_as_string(hide_password=False)
    try:
        result = run_cli("reset", "--db", with_password)
        assert result.returncode == 0, result.stderr
        shown = make_url(with_password).render_as_string(hide_password=True)
        assert result.stdout == f"cleared {shown}\n"
        assert ":***@" in shown
        assert "s3cret" not in result.stdout + result.stderr
    finally:
        postgresql_server.drop(with_password)


def test_help_says_what_fixtures_fall_back_to():
    for command in ("serve", "accounts"):
        result = run_cli(command, "--help")
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert (
            "Folder (it must exist) with any of accounts.yaml, outcomes.yaml, handsets.yaml and"
            " keywords.yaml;" in text
        )
        assert "each file it lacks is the shipped one of that name." in text
        assert "Not given: all are shipped ones." in text
