"""The siren binary's command line: --help, --version, unknown commands."""
import subprocess

from conftest import SIREN


def run(*args):
    return subprocess.run([SIREN, *args], capture_output=True, text=True,
                          timeout=10)


def test_help_lists_every_subcommand():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("lmtp", "deliver", "check", "test", "notify-test", "queue"):
        assert f"siren {cmd} " in r.stdout


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("siren ")


def test_unknown_command_is_usage_error():
    r = run("frobnicate")
    assert r.returncode == 64
    assert "unknown command 'frobnicate'" in r.stderr


def test_no_command_is_usage_error():
    r = run()
    assert r.returncode == 64
