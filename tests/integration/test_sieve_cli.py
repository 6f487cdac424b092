"""`siren check` and `siren test` against the real binary.

tests/sieve/ holds pairs x.sieve + x.expected: the exact stdout of
`siren check tests/sieve/x.sieve` run from the repository root (empty for
valid scripts, which exit 0; others exit 1).  The `siren test` cases run
scripts over the sample messages in tests/sieve/messages/.
"""
import glob
import json
import os
import subprocess

import pytest

from conftest import ROOT, SIREN

SIEVE_DIR = os.path.join(ROOT, "tests", "sieve")
MESSAGES = os.path.join(SIEVE_DIR, "messages")
PAIRS = sorted(os.path.basename(p)[:-6]
               for p in glob.glob(os.path.join(SIEVE_DIR, "*.sieve")))


def siren(*args, cwd=ROOT):
    return subprocess.run([SIREN, *args], capture_output=True, text=True,
                          timeout=20, cwd=cwd)


@pytest.mark.parametrize("name", PAIRS)
def test_check_output_matches_expected(name):
    rel = os.path.join("tests", "sieve", name + ".sieve")
    with open(os.path.join(SIEVE_DIR, name + ".expected")) as f:
        want = f.read()
    r = siren("check", rel)
    assert r.stdout == want
    assert r.returncode == (0 if want == "" else 1)


def test_check_many_files_reports_all():
    r = siren("check", "tests/sieve/valid_core.sieve",
              "tests/sieve/err_else.sieve", "tests/sieve/err_numbers.sieve")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("tests/sieve/err_else.sieve:2:1: error: ")
    assert lines[1].startswith("tests/sieve/err_numbers.sieve:1:15: error: ")


def test_check_usage_and_missing_file(tmp_path):
    assert siren("check").returncode == 2
    r = siren("check", str(tmp_path / "nope.sieve"))
    assert r.returncode == 1
    assert "cannot open" in r.stdout


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_test_human_output(tmp_path):
    script = write(tmp_path, "s.sieve", """require ["fileinto", "copy"];
if header :contains "subject" "lunch" { fileinto :copy "Food"; }
redirect "carol@example.net";
""")
    r = siren("test", script, os.path.join(MESSAGES, "simple.eml"))
    assert r.returncode == 0
    assert r.stdout == ('fileinto "Food" :copy\n'
                        'redirect "carol@example.net"\n')
    assert r.stderr == ""


def test_test_implicit_keep_and_envelope(tmp_path):
    script = write(tmp_path, "s.sieve", """require "envelope";
if envelope :is "from" "boss@example.com" { discard; }
""")
    msg = os.path.join(MESSAGES, "simple.eml")
    assert siren("test", script, msg).stdout == "keep\n"
    r = siren("test", script, msg, "--from", "boss@example.com")
    assert r.stdout == "discard\n"


def test_test_json_output(tmp_path):
    script = os.path.join(SIEVE_DIR, "valid_extensions.sieve")
    r = siren("test", script, os.path.join(MESSAGES, "list.eml"), "--json",
              "--to", "bob+sieve@example.com")
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    assert doc["errors"] == []
    assert doc["actions"] == [
        {"type": "fileinto", "mailbox": "Lists/sieve", "flags": ["$Junk"],
         "copy": False, "create": True, "line": 8},
        {"type": "fileinto", "mailbox": "Sieve", "flags": ["$Junk"],
         "copy": False, "create": False, "line": 9},
        {"type": "keep", "flags": ["\\Seen"], "implicit": False, "line": 10},
    ]


def test_test_trace(tmp_path):
    script = write(tmp_path, "s.sieve", """if anyof(false,
    header :is "subject" "nope") { discard; }
elsif exists "message-id" { keep; }
""")
    r = siren("test", script, os.path.join(MESSAGES, "simple.eml"),
              "--trace")
    assert r.returncode == 0
    assert r.stdout == ("line 1: false -> false\n"
                        "line 2: header -> false\n"
                        "line 1: anyof -> false\n"
                        "line 3: exists -> true\n"
                        "keep\n")


def test_test_runtime_error_keeps(tmp_path):
    script = write(tmp_path, "s.sieve", """require ["ihave", "fileinto"];
fileinto "A";
error "giving up";
""")
    msg = os.path.join(MESSAGES, "simple.eml")
    r = siren("test", script, msg)
    assert r.returncode == 0
    assert r.stdout == "keep\n"
    assert r.stderr.endswith(":3:1: error: giving up\n")
    doc = json.loads(siren("test", script, msg, "--json").stdout)
    assert doc["actions"] == [{"type": "keep", "flags": [],
                               "implicit": True, "line": 0}]
    assert len(doc["errors"]) == 1 and "giving up" in doc["errors"][0]


def test_test_compile_error_and_usage(tmp_path):
    script = write(tmp_path, "bad.sieve", "frop;\n")
    msg = os.path.join(MESSAGES, "simple.eml")
    r = siren("test", script, msg)
    assert r.returncode == 1
    assert r.stdout == f"{script}:1:1: error: unknown command 'frop'\n"
    r = siren("test", script, msg, "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["errors"] == [
        f"{script}:1:1: error: unknown command 'frop'"]
    assert siren("test", script).returncode == 2
    assert siren("test", script, msg, "--bogus").returncode == 2
    good = write(tmp_path, "good.sieve", "keep;\n")
    assert siren("test", good, str(tmp_path / "missing.eml")).returncode == 2


def test_check_validates_notify_uris_through_the_plugins(tmp_path):
    """`siren check -c` checks notify URIs with the server's plugins and
    their admin settings, exactly as delivery does."""
    script = tmp_path / "n.sieve"
    script.write_text('require "enotify";\n'
                      'notify "pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG";\n'
                      'notify "slack:T000/B000/XXXXXXXX";\n')
    r = siren("check", str(script))
    assert r.returncode == 1
    assert "pushover is not enabled on this server" in r.stdout
    assert "slack" not in r.stdout
    conf = tmp_path / "siren.conf"
    conf.write_text("[notify.pushover]\ntoken = azGDORePK8gMaC0QOYAMyEEuzJnyUi\n")
    r = siren("check", "-c", str(conf), str(script))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    bad = tmp_path / "bad.sieve"
    bad.write_text('require "enotify";\nnotify "frob:x";\n')
    r = siren("check", "-c", str(conf), str(bad))
    assert r.returncode == 1
    assert f"{bad}:2:8: error: unsupported notify method 'frob'" in r.stdout


def test_check_bad_config_is_78(tmp_path):
    conf = tmp_path / "siren.conf"
    conf.write_text("[server]\nfrobnicate = 1\n")
    r = siren("check", "-c", str(conf), "tests/sieve/valid_core.sieve")
    assert r.returncode == 78
    assert "siren.conf:2:" in r.stderr
