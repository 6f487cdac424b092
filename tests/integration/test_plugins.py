"""Notify plugins in the delivery path: `siren deliver` loads the build
tree's plugins (build/notify beside build/siren), so a script's notify
URIs are validated by the plugins when it is compiled, valid_notify_method
and notify_method_capability ask them, and a valid notify becomes an
outbox job; an invalid constant URI is a compile error and the message is
kept."""
import glob
import json
import os
import subprocess

from conftest import SIREN
from lmtp_util import write_conf

MSG = b"From: Bob <bob@example.com>\nSubject: Lunch?\n\nhello\n"
NOTIFY = """
[notify.slack]
webhook.ops = https://hooks.slack.com/services/T1/B2/secret
[notify.pushover]
token = azGDORePK8gMaC0QOYAMyEEuzJnyUi
"""


def deliver(tmp_path, script):
    conf, _ = write_conf(tmp_path, extra=NOTIFY)
    sdir = tmp_path / "mail" / "example.org" / "alice" / "sieve"
    sdir.mkdir(parents=True)
    (sdir / "active.sieve").write_text(script)
    r = subprocess.run([SIREN, "deliver", "-c", conf, "-f", "bob@example.com",
                        "-a", "alice@example.org"], input=MSG,
                       capture_output=True, timeout=30)
    jobs = []
    for path in sorted(glob.glob(str(tmp_path / "outbox" / "new" / "*.json"))):
        with open(path) as f:
            jobs.append(json.load(f))
    return r, jobs


def folder_count(tmp_path, folder):
    base = tmp_path / "mail" / "example.org" / "alice" / "Maildir"
    d = base / ("." + folder if folder else "") / "new"
    return len(os.listdir(d)) if d.is_dir() else 0


def test_plugin_methods_validated_and_queued(tmp_path):
    r, jobs = deliver(tmp_path, """require ["enotify", "fileinto"];
if allof (valid_notify_method ["slack:ops",
            "pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG?sound=siren"],
          not valid_notify_method "slack:nosuch",
          not valid_notify_method "https://hooks.example.org/",
          notify_method_capability "slack:ops" "online" "maybe") {
    fileinto "Checked";
}
notify :importance "1" :message "lunch" "slack:ops";
""")
    assert r.returncode == 0, r.stderr
    assert folder_count(tmp_path, "Checked") == 1
    assert [j["method"] for j in jobs] == ["slack:ops"]
    assert jobs[0]["message"] == "lunch" and jobs[0]["importance"] == 1
    assert jobs[0]["mailbox"] == "Checked"


def test_invalid_constant_uri_is_a_compile_error_and_keeps(tmp_path):
    r, jobs = deliver(tmp_path, """require ["enotify", "fileinto"];
fileinto "Never";
notify "slack:nosuch";
""")
    assert r.returncode == 0, r.stderr
    assert jobs == []
    assert folder_count(tmp_path, "Never") == 0
    assert folder_count(tmp_path, "") == 1      # implicit keep
    assert b"unknown slack alias" in r.stderr


def test_unconfigured_method_says_why(tmp_path):
    r, jobs = deliver(tmp_path, """require ["enotify"];
notify "https://hooks.example.org/siren";
""")
    assert r.returncode == 0, r.stderr
    assert jobs == []
    assert folder_count(tmp_path, "") == 1
    assert b"webhooks are not enabled on this server" in r.stderr
