"""Settings from MM_EMULATOR_* variables and flags: each setting read the same way whether the
CLI starts the emulator or a process builds its app from the environment."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from emulator.cli import settings_options
from emulator.settings import Settings, SettingsError


def settings_from_command_line(args: list[str], env: dict[str, str]) -> Settings | str:
    """The Settings `mm-emulator serve ARGS` would run with, or click's usage error."""
    built: list[Settings] = []

    @click.command()
    @settings_options
    def probe(**options: object) -> None:
        built.append(Settings.from_values(options))

    result = CliRunner().invoke(probe, args, env=env)
    if result.exit_code == 2:
        return result.output
    if result.exception is not None:
        raise result.exception
    return built[0]


def test_defaults_without_variables_or_flags():
    assert Settings.from_env({}) == Settings()
    assert settings_from_command_line([], {}) == Settings()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"MM_EMULATOR_PORT": "0", "MM_EMULATOR_DB": ":memory:"}, {"port": 0, "db": ":memory:"}),
        ({"MM_EMULATOR_PORT": " 81 "}, {"port": 81}),
        ({"MM_EMULATOR_QUEUED_SECONDS": "1e1"}, {"queued_seconds": 10.0}),
        ({"MM_EMULATOR_LOG_FORMAT": "json"}, {"log_format": "json"}),
        ({"MM_EMULATOR_ADMIN_TOKEN": "t0ken"}, {"admin_token": "t0ken"}),
        ({"MM_EMULATOR_INSTANT": "yes"}, {"instant": True}),
        ({"MM_EMULATOR_INSTANT": "y"}, {"instant": True}),
        ({"MM_EMULATOR_INSTANT": "ON"}, {"instant": True}),
        ({"MM_EMULATOR_INSTANT": "0"}, {"instant": False}),
        ({"MM_EMULATOR_INSTANT": "off"}, {"instant": False}),
        # An empty variable is an unset one.
        ({"MM_EMULATOR_PORT": "", "MM_EMULATOR_FIXTURES": ""}, {}),
    ],
)
def test_variables_mean_the_same_with_or_without_the_command_line(variables, expected):
    wanted = Settings(**expected)
    assert Settings.from_env(variables) == wanted
    assert settings_from_command_line([], variables) == wanted


def test_a_flag_wins_over_its_variable():
    settings = settings_from_command_line(
        ["--workers", "3", "--instant"], {"MM_EMULATOR_WORKERS": "2", "MM_EMULATOR_PORT": "9"}
    )
    assert settings == Settings(workers=3, instant=True, port=9)


@pytest.mark.parametrize(
    ("name", "raw", "problem"),
    [
        ("PORT", "abc", "'abc' is not a valid integer."),
        ("QUEUED_SECONDS", "x", "'x' is not a valid float."),
        ("LOG_FORMAT", "xml", "'xml' is not one of 'plain', 'json'."),
        ("INSTANT", "maybe", "'maybe' is not a valid boolean."),
    ],
)
def test_a_value_that_does_not_parse_names_its_variable(name, raw, problem):
    variables = {f"MM_EMULATOR_{name}": raw}
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(variables)
    assert str(raised.value).startswith(f"MM_EMULATOR_{name}: {problem}")
    usage_error = settings_from_command_line([], variables)
    assert f"(env var: 'MM_EMULATOR_{name}'): {problem}" in usage_error


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"MM_EMULATOR_PORT": "70000"}, "port must be from 0 to 65535, not 70000"),
        ({"MM_EMULATOR_PORT": "-5"}, "port must be from 0 to 65535, not -5"),
        ({"MM_EMULATOR_THREADS": "0"}, "threads must be at least 1, not 0"),
        ({"MM_EMULATOR_WEBHOOK_WORKERS": "0"}, "webhook_workers must be at least 1, not 0"),
    ],
)
def test_a_value_out_of_bounds_names_its_setting(variables, problem):
    for build in (Settings.from_env, lambda env: settings_from_command_line([], env)):
        with pytest.raises(SettingsError, match=f"^{problem}$"):
            build(variables)


def test_a_log_format_made_in_code_is_checked_too():
    with pytest.raises(SettingsError, match="^log_format must be one of plain, json, not 'xml'$"):
        Settings(log_format="xml")
