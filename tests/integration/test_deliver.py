"""`siren deliver`: one message from stdin into the recipient's Maildir,
with sysexits.h exit codes an MTA's mailbox_command acts on."""
import subprocess

from conftest import SIREN
from lmtp_util import maildir_files, message, write_conf


def deliver(conf, *args, data=b""):
    return subprocess.run([SIREN, "deliver", "-c", conf, *args],
                          input=data, capture_output=True, timeout=20)


def test_delivers_into_maildir(tmp_path):
    conf, _ = write_conf(tmp_path)
    r = deliver(conf, "-f", "s@x.example", "-a", "dora+list@example.org",
                data=message("cli").replace("\r\n", "\n").encode())
    assert r.returncode == 0, r.stderr
    files = maildir_files(tmp_path, "dora")
    assert len(files) == 1
    data = open(files[0], "rb").read()
    assert b"Subject: cli" in data
    assert b"Return-Path: <s@x.example>" in data
    assert b"Delivered-To: dora+list@example.org" in data or \
        b"Delivered-To: dora@example.org" in data


def test_null_sender(tmp_path):
    conf, _ = write_conf(tmp_path)
    r = deliver(conf, "-f", "<>", "-a", "<eve@example.org>",
                data=b"Subject: bounce\n\nx\n")
    assert r.returncode == 0, r.stderr
    data = open(maildir_files(tmp_path, "eve")[0], "rb").read()
    assert b"Return-Path: <>" in data


def test_unknown_user_is_67(tmp_path):
    conf, _ = write_conf(tmp_path)
    r = deliver(conf, "-f", "a@b", "-a", "x@nowhere.test", data=b"x\n")
    assert r.returncode == 67
    assert b"no such user" in r.stderr


def test_too_big_is_65(tmp_path):
    conf, _ = write_conf(tmp_path, server={"max_message_size": "1k"})
    r = deliver(conf, "-f", "a@b", "-a", "f@example.org",
                data=b"Subject: big\n\n" + b"x" * 5000)
    assert r.returncode == 65
    assert maildir_files(tmp_path, "f") == []


def test_config_error_is_78(tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("[users]\nmode = nis\n")
    r = deliver(str(bad), "-f", "a@b", "-a", "f@example.org", data=b"x\n")
    assert r.returncode == 78
    assert f"{bad}:2:".encode() in r.stderr


def test_unwritable_store_is_75(tmp_path):
    (tmp_path / "mail").write_text("a file where a directory should be")
    conf, _ = write_conf(tmp_path)
    r = deliver(conf, "-f", "a@b", "-a", "g@example.org", data=b"x\n\nx\n")
    assert r.returncode == 75


def test_usage_is_64(tmp_path):
    r = subprocess.run([SIREN, "deliver", "-f", "a@b"], capture_output=True,
                       timeout=10)
    assert r.returncode == 64


def test_sieve_ereject_is_69(tmp_path):
    conf, _ = write_conf(tmp_path)
    sdir = tmp_path / "mail" / "example.org" / "rex" / "sieve"
    sdir.mkdir(parents=True)
    (sdir / "active.sieve").write_text(
        'require "ereject";\nereject "not from you";\n')
    r = deliver(conf, "-f", "a@b.example", "-a", "rex@example.org",
                data=b"Subject: x\n\nx\n")
    assert r.returncode == 69, r.stderr
    assert b"550 5.7.1 not from you" in r.stderr
    assert maildir_files(tmp_path, "rex") == []
