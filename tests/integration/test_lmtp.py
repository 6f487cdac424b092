"""`siren lmtp` against real sockets: transcripts for every command and
reply code, pipelining, DATA/BDAT, limits, timeouts, concurrency, and the
process model (SIGTERM drain, SIGHUP reload, crash isolation)."""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import SIREN
from lmtp_util import (Client, Siren, free_port, lhlo, maildir_files,
                       message, wait_for, write_conf)


@pytest.fixture
def make_siren(tmp_path):
    """Start a server with write_conf(**kw); stopped after the test."""
    started = []

    def make(**kw):
        conf, port = write_conf(tmp_path, **kw)
        s = Siren(conf, port).start()
        s.tmp = tmp_path
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()


@pytest.fixture
def siren(make_siren):
    return make_siren()


def read_mail(path):
    """A stored message with line ends normalised (the store uses LF)."""
    with open(path, "rb") as f:
        return f.read().replace(b"\r\n", b"\n")


def txn(rcpts, body, sender="s@x.example"):
    out = f"MAIL FROM:<{sender}>\r\n"
    out += "".join(f"RCPT TO:<{r}>\r\n" for r in rcpts)
    return out + "DATA\r\n" + body + ".\r\n"


def test_greeting_and_lhlo(siren):
    c = Client(siren.port)
    greet, ext = lhlo(c)
    assert greet == ["220 siren.test LMTP siren ready"]
    assert ext[0] == "250-siren.test"
    assert ext[1:] == ["250-PIPELINING", "250-ENHANCEDSTATUSCODES",
                       "250-8BITMIME", "250-SIZE 52428800",
                       "250-CHUNKING", "250 SMTPUTF8"]
    c.send("QUIT\r\n")
    assert c.reply() == ["221 2.0.0 siren.test Bye"]
    assert c.closed()


def test_pipelined_delivery_one_reply_per_recipient(siren):
    c = Client(siren.port)
    c.reply()
    # The whole transaction in one write (RFC 2920).
    c.send("LHLO mta.test\r\n" +
           txn(["alice@example.org", "ghost@elsewhere.test",
                "bob+work@EXAMPLE.org"], message("pipe")) + "QUIT\r\n")
    c.reply()
    assert c.replies(7) == [
        "250 2.1.0 Ok", "250 2.1.5 Ok",
        "550 5.1.1 <ghost@elsewhere.test> User doesn't exist",
        "250 2.1.5 Ok", "354 2.0.0 End data with <CR><LF>.<CR><LF>",
        "250 2.0.0 <alice@example.org> Saved",
        "250 2.0.0 <bob+work@EXAMPLE.org> Saved"][:7]
    assert c.replies(1) == ["221 2.0.0 siren.test Bye"]
    for user in ("alice", "bob"):
        files = maildir_files(siren.tmp, user)
        assert len(files) == 1
        assert b"Subject: pipe" in open(files[0], "rb").read()
    assert "msgid=<pipe@test>" in siren.logtext()


def test_dot_unstuffing_and_bare_lf(siren):
    c = Client(siren.port)
    lhlo(c)
    body = "Subject: dots\n\n..leading dot\n.\r\nafter\r\n"
    c.send("MAIL FROM:<>\r\nRCPT TO:<dot@example.org>\r\nDATA\r\n" +
           body.replace(".\r\nafter", "..\r\nafter") + ".\n")
    assert c.replies(4)[-1] == "250 2.0.0 <dot@example.org> Saved"
    data = read_mail(maildir_files(siren.tmp, "dot")[0])
    assert b"\n.leading dot\n.\nafter\n" in data
    assert b"Subject: dots\n" in data


def test_bdat_chunks(siren):
    c = Client(siren.port)
    lhlo(c)
    part1, part2 = "Subject: chunked\r\n\r\n", "one\r\n.\r\ntwo\r\n"
    c.send("MAIL FROM:<s@x.example>\r\nRCPT TO:<carol@example.org>\r\n"
           f"BDAT {len(part1)}\r\n{part1}BDAT {len(part2)} LAST\r\n{part2}")
    assert c.replies(4) == [
        "250 2.1.0 Ok", "250 2.1.5 Ok",
        f"250 2.0.0 {len(part1)} octets received",
        "250 2.0.0 <carol@example.org> Saved"]
    data = read_mail(maildir_files(siren.tmp, "carol")[0])
    assert b"one\n.\ntwo\n" in data   # BDAT is not dot-stuffed
    c.send("MAIL FROM:<a@b>\r\nRCPT TO:<carol@example.org>\r\nBDAT 1\r\nx"
           "DATA\r\n")
    assert c.replies(4)[-1] == \
        "503 5.5.1 Bad sequence of commands: DATA after BDAT"


def test_oversized_message(make_siren):
    siren = make_siren(server={"max_message_size": "1k"})
    c = Client(siren.port)
    _, ext = lhlo(c)
    assert "250-SIZE 1024" in ext
    c.send("MAIL FROM:<a@b> SIZE=5000\r\n")
    assert c.reply() == [
        "552 5.3.4 Message size exceeds fixed maximum message size"]
    c.send(txn(["big@example.org", "big2@example.org"],
               message(size=4000)) + "NOOP\r\n")
    assert c.replies(7)[-3:] == [
        "552 5.3.4 <big@example.org> Message too big for system",
        "552 5.3.4 <big2@example.org> Message too big for system",
        "250 2.0.0 Ok"]
    assert maildir_files(siren.tmp, "big") == []


def test_too_many_recipients(make_siren):
    siren = make_siren(server={"max_recipients": "2"})
    c = Client(siren.port)
    lhlo(c)
    c.send("MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\n"
           "RCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n")
    assert c.replies(4)[-1] == "452 4.5.3 Too many recipients"


def test_unknown_user_and_data_without_recipients(siren):
    c = Client(siren.port)
    lhlo(c)
    c.send("MAIL FROM:<a@b>\r\nRCPT TO:<who@nowhere.test>\r\nDATA\r\n")
    assert c.replies(3)[1:] == [
        "550 5.1.1 <who@nowhere.test> User doesn't exist",
        "503 5.5.1 Bad sequence of commands: no valid recipients"]


def test_bad_sequence(siren):
    c = Client(siren.port)
    c.reply()
    c.send("MAIL FROM:<a@b>\r\nLHLO x\r\nRCPT TO:<a@example.org>\r\n"
           "MAIL FROM:<a@b>\r\nMAIL FROM:<a@b>\r\n")
    r = c.replies(5)
    assert r[0] == "503 5.5.1 Bad sequence of commands: send LHLO first"
    assert r[2] == "503 5.5.1 Bad sequence of commands: need MAIL"
    assert r[4] == "503 5.5.1 Bad sequence of commands: nested MAIL"


def test_other_commands(siren):
    c = Client(siren.port)
    lhlo(c)
    c.send("NOOP\r\nRSET\r\nVRFY alice\r\nHELP\r\nSTARTTLS\r\nEHLO x\r\n")
    r = c.replies(6)
    assert r[0] == "250 2.0.0 Ok" and r[1] == "250 2.0.0 Ok"
    assert r[2].startswith("252 2.5.2 ")
    assert r[3].startswith("214 2.0.0 ")
    assert r[4] == "500 5.5.1 Unknown command"
    assert r[5].startswith("500 5.5.1 ")


def test_line_too_long(siren):
    c = Client(siren.port)
    lhlo(c)
    c.send("NOOP " + "x" * 10000 + "\r\nNOOP\r\n")
    assert c.replies(2) == ["500 5.5.2 Line too long", "250 2.0.0 Ok"]


def test_smtputf8(siren):
    c = Client(siren.port)
    lhlo(c)
    c.send("MAIL FROM:<jos\u00e9@b.example>\r\n")
    assert c.reply() == [
        "553 5.6.7 Non-ASCII sender address needs SMTPUTF8"]
    c.send("MAIL FROM:<jos\u00e9@b.example> SMTPUTF8 BODY=8BITMIME\r\n"
           "RCPT TO:<z\u00f6e@example.org>\r\nDATA\r\n"
           "Subject: caf\u00e9\r\n\r\nbody\r\n.\r\n")
    assert c.replies(4)[-1] == "250 2.0.0 <z\u00f6e@example.org> Saved"


def test_idle_timeout(make_siren):
    siren = make_siren(server={"idle_timeout": "1"})
    c = Client(siren.port)
    lhlo(c)
    assert c.reply() == [
        "421 4.4.2 siren.test Idle timeout, closing connection"]
    assert c.closed()


def test_too_many_errors(make_siren):
    siren = make_siren(server={"max_errors": "3"})
    c = Client(siren.port)
    c.reply()
    c.send("X\r\nY\r\nZ\r\nW\r\nNOOP\r\n")
    assert c.replies(5)[-1] == \
        "421 4.7.0 siren.test Too many errors, closing connection"
    assert c.closed()


def test_100_concurrent_sessions(siren):
    clients = [Client(siren.port) for _ in range(100)]
    # Every session is greeted before any of them finished: all 100 are
    # served at once.
    for c in clients:
        assert c.reply()[0].startswith("220 ")
    assert len(siren.children()) == 100
    for i, c in enumerate(clients):
        c.send("LHLO x\r\n" + txn([f"u{i}@example.org"],
                                  message(f"m{i}")) + "QUIT\r\n")
    for i, c in enumerate(clients):
        c.reply()
        assert c.replies(5)[3] == f"250 2.0.0 <u{i}@example.org> Saved"
        c.close()
    for i in range(100):
        assert len(maildir_files(siren.tmp, f"u{i}")) == 1


def test_sigterm_finishes_inflight_data(siren):
    c = Client(siren.port)
    lhlo(c)
    c.send("MAIL FROM:<a@b>\r\nRCPT TO:<late@example.org>\r\nDATA\r\n"
           "Subject: late\r\n\r\nfirst half\r\n")
    assert c.replies(3)[-1].startswith("354")
    siren.signal(signal.SIGTERM)
    time.sleep(0.5)
    c.send("second half\r\n.\r\n")
    assert c.reply() == ["250 2.0.0 <late@example.org> Saved"]
    # Between transactions the session ends itself.
    assert c.reply()[0].startswith("421 4.3.2 ")
    assert siren.proc.wait(20) == 0
    assert len(maildir_files(siren.tmp, "late")) == 1
    # The listener is gone.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", siren.port), 1)


def test_sighup_broken_config_keeps_serving(siren):
    good = open(siren.conf).read()
    with open(siren.conf, "a") as f:
        f.write("[server]\nno_such_key = 1\n")
    siren.signal(signal.SIGHUP)
    assert wait_for(lambda: "reload failed" in siren.logtext(), 10)
    assert "no_such_key" in siren.logtext()
    c = Client(siren.port)
    assert c.reply() == ["220 siren.test LMTP siren ready"]
    c.close()
    # A good config is picked up by new sessions.
    with open(siren.conf, "w") as f:
        f.write(good.replace("hostname = siren.test", "hostname = new.test"))
    siren.signal(signal.SIGHUP)
    assert wait_for(lambda: "configuration reloaded" in siren.logtext(), 10)
    c = Client(siren.port)
    assert c.reply() == ["220 new.test LMTP siren ready"]


def test_crashed_session_does_not_affect_others(siren):
    a = Client(siren.port)
    lhlo(a)
    victim = wait_for(lambda: siren.children(), 5)
    assert len(victim) == 1
    b = Client(siren.port)
    lhlo(b)
    b.send("MAIL FROM:<a@b>\r\nRCPT TO:<survivor@example.org>\r\n")
    assert b.replies(2) == ["250 2.1.0 Ok", "250 2.1.5 Ok"]
    os.kill(victim[0], signal.SIGSEGV)
    assert a.closed()
    b.send("DATA\r\nSubject: ok\r\n\r\nstill here\r\n.\r\n")
    assert b.replies(2)[-1] == "250 2.0.0 <survivor@example.org> Saved"
    assert wait_for(lambda: "killed by signal 11" in siren.logtext(), 5)
    c = Client(siren.port)
    assert c.reply()[0].startswith("220 ")


def test_unix_socket_listener(tmp_path):
    sock = str(tmp_path / "lmtp.sock")
    port = free_port()
    conf, _ = write_conf(tmp_path, port=port, server={
        "listen": f"127.0.0.1:{port} unix:{sock}"})
    s = Siren(conf, port).start()
    try:
        assert wait_for(lambda: "listening on unix:" in s.logtext(), 5)
        assert oct(os.stat(sock).st_mode & 0o777) == "0o666"
        u = socket.socket(socket.AF_UNIX)
        u.settimeout(10)
        u.connect(sock)
        u.sendall(("LHLO x\r\n" + txn(["ux@example.org"], message("ux")) +
                   "QUIT\r\n").encode())
        data = b""
        while b"221 " not in data:
            chunk = u.recv(4096)
            if not chunk:
                break
            data += chunk
        assert b"250 2.0.0 <ux@example.org> Saved" in data
        u.close()
    finally:
        assert s.stop() == 0
    assert not os.path.exists(sock)


def test_ipv6_listener(tmp_path):
    try:
        with socket.socket(socket.AF_INET6) as s6:
            s6.bind(("::1", 0))
            port6 = s6.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback here")
    port = free_port()
    conf, _ = write_conf(tmp_path, port=port, server={
        "listen": f"127.0.0.1:{port} [::1]:{port6}"})
    s = Siren(conf, port).start()
    try:
        assert "listening on [::1]:%d" % port6 in s.logtext()
        c6 = socket.create_connection(("::1", port6), 5)
        assert c6.recv(100).startswith(b"220 "), s.logtext()
        c6.close()
    finally:
        s.stop()


@pytest.mark.parametrize("text,want", [
    ("[server]\nlisten = 127.0.0.1:1\nbogus = 2\n",
     ':3: unknown key "bogus" in [server]: bogus = 2'),
    ("[server]\nlisten = 127.0.0.1:25\n", "port 25"),
    ("[users]\nmode = static\n", "needs file"),
    ("[server]\nmax_connections = 0\n", "at least 1"),
])
def test_config_errors_exit_78(tmp_path, text, want):
    conf = tmp_path / "bad.conf"
    conf.write_text(text)
    r = subprocess.run([SIREN, "lmtp", "-c", str(conf)], capture_output=True,
                       timeout=10)
    assert r.returncode in (78, 71)
    assert want in r.stderr.decode()
    if "bogus" in want:
        assert r.returncode == 78
        assert r.stderr.decode().startswith(f"siren lmtp: {conf}:3:")


def test_help_config_lists_keys():
    r = subprocess.run([SIREN, "lmtp", "--help-config", "--markdown"],
                       capture_output=True, timeout=10)
    assert r.returncode == 0
    assert b"| [server] | `listen` |" in r.stdout


def test_sieve_script_runs_per_recipient(siren):
    sdir = siren.tmp / "mail" / "example.org" / "sam" / "sieve"
    sdir.mkdir(parents=True)
    (sdir / "active.sieve").write_text(
        'require "fileinto";\n'
        'if header :contains "subject" "work" { fileinto "Work"; }\n')
    c = Client(siren.port)
    lhlo(c)
    c.send(txn(["sam@example.org", "tom@example.org"],
               message("work-item")))
    assert c.replies(6)[-2:] == ["250 2.0.0 <sam@example.org> Saved",
                                 "250 2.0.0 <tom@example.org> Saved"]
    work = siren.tmp / "mail" / "example.org" / "sam" / "Maildir" / ".Work"
    assert len(os.listdir(work / "new")) == 1
    assert maildir_files(siren.tmp, "sam") == []      # not in INBOX
    assert len(maildir_files(siren.tmp, "tom")) == 1  # no script: keep
    assert 'actions="fileinto' in siren.logtext()


def test_static_users_and_uid_switch(tmp_path, make_siren):
    # The user's home must be reachable by uid 65534: pytest's tmp_path
    # is not (0700 parents), so use a 0755 dir of our own.
    base = pathlib.Path(tempfile.mkdtemp(prefix="siren-uid-"))
    os.chmod(base, 0o755)
    home = base / "nob"
    home.mkdir()
    os.chown(home, 65534, 65534)
    table = tmp_path / "users"
    table.write_text(f"nob@example.org:home={home},uid=65534,gid=65534,"
                     f"mail=%h/Maildir,sieve=%h/active.sieve\n"
                     f"root@example.org\n")
    siren = make_siren(users={"mode": "static", "file": str(table)})
    c = Client(siren.port)
    lhlo(c)
    c.send(txn(["nob@example.org", "someone@example.org"], message("u")))
    r = c.replies(5)
    assert r[2] == "550 5.1.1 <someone@example.org> User doesn't exist"
    assert r[4] == "250 2.0.0 <nob@example.org> Saved", siren.logtext()
    new = home / "Maildir" / "new"
    files = os.listdir(new)
    assert len(files) == 1
    if os.geteuid() == 0:
        assert os.stat(new / files[0]).st_uid == 65534
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop it")
def test_drops_root_after_binding(make_siren):
    siren = make_siren(server={"user": "nobody"})
    with open(f"/proc/{siren.proc.pid}/status") as f:
        uid_line = [ln for ln in f if ln.startswith("Uid:")][0]
    assert uid_line.split()[1:] == ["65534"] * 4
    c = Client(siren.port)
    assert c.reply()[0].startswith("220 ")


def test_readme_config_table_matches_the_code():
    r = subprocess.run([SIREN, "lmtp", "--help-config", "--markdown"],
                       capture_output=True, text=True, timeout=10)
    from conftest import ROOT
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    assert r.stdout in readme, "regenerate the README's ## Configuration table"


def test_sieve_ereject_refuses_only_that_recipient(siren):
    sdir = siren.tmp / "mail" / "example.org" / "rex" / "sieve"
    sdir.mkdir(parents=True)
    (sdir / "active.sieve").write_text(
        'require "ereject";\nereject "not from you";\n')
    c = Client(siren.port)
    lhlo(c)
    c.send(txn(["rex@example.org", "amy@example.org"], message("rej")))
    assert c.replies(6)[-2:] == [
        "550 5.7.1 <rex@example.org> not from you",
        "250 2.0.0 <amy@example.org> Saved"]
    assert maildir_files(siren.tmp, "rex") == []
