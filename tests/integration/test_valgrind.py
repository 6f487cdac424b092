"""No leaks, no invalid accesses: the real siren binary under valgrind's
memcheck for the paths every message takes (compile, execute, deliver into
Maildir with folders, flags, vacation and notify) and for every sample
script under tests/sieve/."""
import glob
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, SIREN
from lmtp_util import maildir_files, write_conf

VALGRIND = shutil.which("valgrind")
pytestmark = pytest.mark.skipif(VALGRIND is None, reason="valgrind missing")

SCRIPT = r'''require ["fileinto", "imap4flags", "variables", "vacation",
    "enotify", "regex", "relational", "comparator-i;ascii-numeric",
    "body", "copy", "date", "index", "envelope", "subaddress"];
if header :regex "subject" "^(re|fwd?): (.*)$" {
    set :lower "topic" "${2}";
}
if address :detail "to" "lists" {
    fileinto :flags ["\\Seen", "$Label1"] "Lists.${topic}";
}
if body :text :contains "urgent" {
    addflag "\\Flagged";
    notify :importance "1" :message "urgent: ${topic}" "mailto:ops@example.org";
}
if date :value "ge" :zone "+0000" "date" "year" "2000" {
    fileinto :copy "Archive";
}
if header :count "ge" "received" "0" {
    vacation :days 1 :subject "away" "I am away.";
}
'''

MSG = (b"From: Alice <alice@example.net>\n"
       b"To: bob+lists@example.org\n"
       b"Subject: Re: Quarterly Report\n"
       b"Date: Tue, 24 Nov 2026 10:00:00 +0100\n"
       b"Message-ID: <vg1@example.net>\n"
       b"Content-Type: text/plain; charset=utf-8\n\n"
       b"This is urgent.\n")


def memcheck(*args, data=None):
    cmd = [VALGRIND, "-q", "--leak-check=full",
           "--errors-for-leak-kinds=definite,indirect",
           "--error-exitcode=99", "--trace-children=no", SIREN, *args]
    r = subprocess.run(cmd, input=data, capture_output=True, timeout=120)
    assert r.returncode != 99, r.stderr.decode(errors="replace")[-4000:]
    return r


def test_check_every_sample_script():
    scripts = sorted(glob.glob(os.path.join(ROOT, "tests", "sieve", "*.sieve")))
    assert scripts
    memcheck("check", *scripts)


def test_test_with_json_and_trace(tmp_path):
    script = tmp_path / "s.sieve"
    script.write_text(SCRIPT)
    msg = tmp_path / "m.eml"
    msg.write_bytes(MSG)
    r = memcheck("test", str(script), str(msg), "--from", "alice@example.net",
                 "--to", "bob+lists@example.org", "--json", "--trace")
    assert r.returncode == 0, r.stderr
    assert b'"fileinto"' in r.stdout


def test_deliver_with_script(tmp_path):
    conf, _ = write_conf(tmp_path, extra="[outgoing]\nsendmail = /bin/true\n")
    sdir = tmp_path / "mail" / "example.org" / "bob" / "sieve"
    sdir.mkdir(parents=True)
    (sdir / "active.sieve").write_text(SCRIPT)
    r = memcheck("deliver", "-c", conf, "-f", "alice@example.net",
                 "-a", "bob+lists@example.org", data=MSG)
    assert r.returncode == 0, r.stderr
    md = tmp_path / "mail" / "example.org" / "bob" / "Maildir"
    lists = os.listdir(md / ".Lists.quarterly report" / "cur")
    assert len(lists) == 1 and lists[0].endswith(":2,Sa")
    archive = os.listdir(md / ".Archive" / "cur")
    assert len(archive) == 1 and archive[0].endswith(":2,F")
    assert len(os.listdir(tmp_path / "outbox" / "new")) == 1
