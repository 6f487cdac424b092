"""`siren test` shows notify and vacation actions with all their fields,
and the date, duplicate and index extensions work through the binary."""
import json
import subprocess

from conftest import SIREN

MESSAGE = """\
From: "Stephan Bosch" <stephan@example.org>
To: nico@frop.example.org
Subject: Frop!
Date: Mon, 20 Jul 2009 21:44:43 +0300
Message-ID: <432df324@example.org>

Body
"""

SCRIPT = """\
require ["enotify", "variables", "vacation", "vacation-seconds",
         "duplicate", "date", "index", "fileinto"];
set :encodeurl "s" "a b&c";
notify :from "me@example.org" :importance "1" :options ["k=v"]
       :message "hello" "mailto:alm@example.com?subject=${s}";
notify "mailto:alm@example.com";
notify "mailto:alm@example.com";
if date :originalzone "date" "julian" "55032" { fileinto "Julian"; }
if duplicate { discard; }
vacation :seconds 90000 :subject "Away" :from "nico@frop.example.org"
         :addresses ["alias@example.org"] :handle "h1" "I am away.";
"""


def run(tmp_path, script, *extra):
    (tmp_path / "s.sieve").write_text(script)
    (tmp_path / "m.eml").write_text(MESSAGE)
    return subprocess.run(
        [SIREN, "test", str(tmp_path / "s.sieve"), str(tmp_path / "m.eml"),
         "--from", "stephan@example.org", "--to", "nico@frop.example.org",
         *extra], capture_output=True, text=True, timeout=20)


def test_human_output(tmp_path):
    r = run(tmp_path, SCRIPT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        'notify :from "me@example.org" :importance "1" :options "k=v" '
        ':message "hello" "mailto:alm@example.com?subject=a%20b%26c"',
        'notify :importance "2" :message '
        '"\\"Stephan Bosch\\" <stephan@example.org>: Frop!" '
        '"mailto:alm@example.com"',
        'fileinto "Julian"',
        'vacation :to "stephan@example.org" :from "nico@frop.example.org" '
        ':subject "Away" :handle "h1" :addresses "alias@example.org" '
        ':seconds 90000 "I am away."',
    ]


def test_json_output(tmp_path):
    r = run(tmp_path, SCRIPT, "--json")
    assert r.returncode == 0, r.stderr
    acts = json.loads(r.stdout)["actions"]
    assert [a["type"] for a in acts] == [
        "notify", "notify", "fileinto", "vacation"]
    n = acts[0]
    assert n["method"] == "mailto:alm@example.com?subject=a%20b%26c"
    assert n["from"] == "me@example.org"
    assert n["importance"] == 1
    assert n["options"] == ["k=v"]
    assert n["message"] == "hello"
    assert acts[1]["importance"] == 2
    assert acts[1]["message"] == '"Stephan Bosch" <stephan@example.org>: Frop!'
    v = acts[3]
    assert v == {
        "type": "vacation", "to": "stephan@example.org",
        "from": "nico@frop.example.org", "subject": "Away",
        "reason": "I am away.", "seconds": 90000, "mime": False,
        "handle": "h1", "addresses": ["alias@example.org"], "line": 10,
    }


def test_vacation_suppressed_for_lists(tmp_path):
    (tmp_path / "s.sieve").write_text(
        'require "vacation";\nvacation "gone";\n')
    (tmp_path / "m.eml").write_text(
        "From: a@example.org\nTo: nico@frop.example.org\n"
        "List-Id: <l.example.org>\nSubject: x\n\nb\n")
    r = subprocess.run(
        [SIREN, "test", str(tmp_path / "s.sieve"), str(tmp_path / "m.eml"),
         "--from", "a@example.org", "--to", "nico@frop.example.org",
         "--trace"], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0
    assert "vacation: no reply: message came from a mailing list" in r.stdout
    assert r.stdout.splitlines()[-1] == "keep"


def test_bad_notify_method_is_compile_error(tmp_path):
    r = run(tmp_path, 'require "enotify";\nnotify "snailto:x@example.org";\n')
    assert r.returncode == 1
    assert "unsupported notify method 'snailto'" in r.stdout
