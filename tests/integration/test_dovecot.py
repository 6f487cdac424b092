"""Dovecot reads what siren writes: messages delivered by our Maildir code
are checked through a private Dovecot IMAP server (imaplib): INBOX and
folders (a non-ASCII name too), flags, keywords, INTERNALDATE, size and
content, subscriptions."""
import os
import re

import pytest

import dovecot_util as dv

pytestmark = pytest.mark.skipif(not dv.available(), reason="no dovecot")

MSG = (b"From: Alice <alice@example.com>\r\n"
       b"To: test@example.org\r\n"
       b"Subject: hello\r\n"
       b"Message-ID: <m1@example.com>\r\n"
       b"\r\n"
       b"line one\r\n"
       b".leading dot\r\n"
       b"last line\r\n")


@pytest.fixture(scope="module")
def server():
    d = dv.PrivateDovecot()
    try:
        tool = dv.build_store_tool(d.base)
        d.start()
        yield d, tool
    finally:
        d.stop()


def fetch_all(m, mailbox, items):
    typ, data = m.select(dv_quote(mailbox), readonly=True)
    assert typ == "OK", data
    count = int(data[0])
    if count == 0:
        return []
    typ, data = m.fetch("1:*", items)
    assert typ == "OK", data
    return data


def dv_quote(name):
    return '"' + name + '"'


def flags_of(line):
    raw = line[0] if isinstance(line, tuple) else line
    return set(re.search(rb"FLAGS \(([^)]*)\)", raw).group(1).split())


def test_inbox_content_size_internaldate(server):
    d, tool = server
    path = dv.store(tool, d.maildir, "", MSG)
    assert "/new/" in path and ",S=%d,W=%d" % (len(MSG) - 8, len(MSG)) in path
    m = d.imap()
    try:
        data = fetch_all(m, "INBOX", "(FLAGS RFC822.SIZE INTERNALDATE "
                                     "BODY.PEEK[])")
        head, body = data[0][0], data[0][1]
        assert body == MSG            # CRLF restored, dot intact
        assert b"RFC822.SIZE %d" % len(MSG) in head
        assert b'INTERNALDATE "14-Nov-2023 22:13:20 +0000"' in head
        assert b"\\Seen" not in head
    finally:
        m.logout()


def test_flags_and_keywords(server):
    d, tool = server
    msg = MSG.replace(b"hello", b"flagged")
    path = dv.store(tool, d.maildir, "Flags", msg,
                    ["\\Seen", "\\Flagged", "$Label1", "Junk"])
    assert "/cur/" in path and path.endswith(":2,FSab")
    m = d.imap()
    try:
        data = fetch_all(m, "Flags", "(FLAGS)")
        assert {b"\\Seen", b"\\Flagged", b"$Label1", b"Junk"} <= \
            flags_of(data[0])
    finally:
        m.logout()
    # Dovecot has seen the keywords file; a second delivery reuses it
    dv.store(tool, d.maildir, "Flags", msg, ["Junk", "\\Answered"])
    m = d.imap()
    try:
        data = fetch_all(m, "Flags", "(FLAGS)")
        assert len(data) == 2
        assert {b"Junk", b"\\Answered"} <= flags_of(data[1])
        assert b"$Label1" not in flags_of(data[1])
        # Dovecot itself adds a keyword (it writes dovecot-keywords too)
        m.select(dv_quote("Flags"))
        typ, _ = m.store("1", "+FLAGS", "(ImapSet)")
        assert typ == "OK"
    finally:
        m.logout()
    # ours reuses Dovecot's slot and appends the next free one
    dv.store(tool, d.maildir, "Flags", msg, ["ImapSet", "Fresh"])
    m = d.imap()
    try:
        data = fetch_all(m, "Flags", "(FLAGS)")
        assert len(data) == 3
        assert {b"ImapSet", b"Fresh"} <= flags_of(data[2])
        assert b"Junk" not in flags_of(data[2])
        assert b"ImapSet" in flags_of(data[0])
    finally:
        m.logout()


def test_folders_and_subscriptions(server):
    d, tool = server
    dv.store(tool, d.maildir, "Work/Reports", MSG)
    dv.store(tool, d.maildir, "Envoyés", MSG)
    m = d.imap()
    try:
        typ, data = m.list()
        names = b"\n".join(data)
        assert b'"." Work.Reports' in names
        assert b"Envoy&AOk-s" in names
        typ, data = m.lsub()
        subs = b"\n".join(data)
        assert b"Work.Reports" in subs and b"Envoy&AOk-s" in subs
        assert fetch_all(m, "Work.Reports", "(BODY.PEEK[])")[0][1] == MSG
        assert fetch_all(m, "Envoy&AOk-s", "(BODY.PEEK[])")[0][1] == MSG
    finally:
        m.logout()


def test_hostile_name_refused(server):
    d, tool = server
    import subprocess
    r = subprocess.run([tool, d.maildir, "../escape", "0"], input=MSG,
                       capture_output=True, timeout=30,
                       preexec_fn=dv.as_mail_user)
    assert r.returncode == 65
    assert not os.path.exists(os.path.join(d.base, "home", "escape"))
    assert not os.path.exists(os.path.join(d.base, "home", ".escape"))


# ---- end to end: siren deliver + a Sieve script -> Dovecot -------------

SCRIPT = r'''require ["fileinto", "imap4flags"];
if header :contains "subject" "report" {
	fileinto :flags ["\\Seen", "$Label1"] "Work/Reports";
	stop;
}
if header :contains "subject" "facture" {
	fileinto "Envoyés/2024";
	stop;
}
if header :contains "subject" "junk" {
	addflag ["\\Flagged", "Junk"];
}
'''


def siren_deliver(d, subject, rcpt="test@example.org", script=SCRIPT,
                  headers=b""):
    conf = os.path.join(d.base, "siren.conf")
    home = os.path.join(d.base, "home")
    with open(conf, "w") as f:
        f.write("[server]\nhostname = mx.test\n"
                "[users]\nmode = template\ndomains = example.org\n"
                "home = %s\nmail_location = %s\n"
                "sieve_script = %s/sieve/active.sieve\n"
                "uid = %d\ngid = %d\n"
                % (home, d.maildir, home, dv.MAIL_UID, dv.MAIL_GID))
    os.makedirs(os.path.join(home, "sieve"), exist_ok=True)
    with open(os.path.join(home, "sieve", "active.sieve"), "w") as f:
        f.write(script)
    msg = MSG.replace(b"Subject: hello",
                      headers + b"Subject: " + subject.encode())
    import subprocess
    r = subprocess.run([dv.SIREN, "deliver", "-c", conf, "-f",
                        "alice@example.com", "-a", rcpt], input=msg,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return msg


def search_subject(m, mailbox, subject):
    typ, data = m.select(dv_quote(mailbox), readonly=True)
    assert typ == "OK", data
    typ, data = m.search(None, "SUBJECT", '"%s"' % subject)
    assert typ == "OK"
    nums = data[0].split()
    assert len(nums) == 1, (mailbox, subject, data)
    typ, data = m.fetch(nums[0], "(FLAGS BODY.PEEK[])")
    return flags_of(data[0]), data[0][1]


@pytest.mark.skipif(not os.path.exists(dv.SIREN), reason="siren not built")
def test_siren_deliver_sieve_end_to_end(server):
    d, _ = server
    siren_deliver(d, "monthly report")
    siren_deliver(d, "facture 42")
    siren_deliver(d, "junk offer")
    plain = siren_deliver(d, "just hi", rcpt="test+tag@example.org")
    m = d.imap()
    try:
        flags, body = search_subject(m, "Work.Reports", "monthly report")
        assert {b"\\Seen", b"$Label1"} <= flags
        assert body.startswith(b"Return-Path: <alice@example.com>\r\n")
        assert b"\r\nDelivered-To: test@example.org\r\n" in body
        assert b"by mx.test (siren deliver)" in body
        flags, _ = search_subject(m, "Envoy&AOk-s.2024", "facture 42")
        assert b"\\Seen" not in flags
        flags, _ = search_subject(m, "INBOX", "junk offer")
        assert {b"\\Flagged", b"Junk"} <= flags
        flags, body = search_subject(m, "INBOX", "just hi")
        assert body.endswith(plain[plain.index(b"From: Alice"):])
        assert b"Delivered-To: test+tag@example.org\r\n" in body
        typ, data = m.lsub()
        assert b"Envoy&AOk-s.2024" in b"\n".join(data)
    finally:
        m.logout()


@pytest.mark.skipif(not os.path.exists(dv.SIREN), reason="siren not built")
def test_lmtp_two_recipients_into_dovecot(server):
    """One LMTP transaction, two recipients of the same user: each gets
    its own trace headers and its own script outcome."""
    import lmtp_util as lu
    d, _ = server
    home = os.path.join(d.base, "home")
    os.makedirs(os.path.join(home, "sieve"), exist_ok=True)
    with open(os.path.join(home, "sieve", "active.sieve"), "w") as f:
        f.write('require ["envelope", "subaddress", "fileinto"];\n'
                'if envelope :detail "to" "lists" { fileinto "Lists"; }\n')
    conf, port = lu.write_conf(d.base, users={
        "home": home, "mail_location": d.maildir,
        "sieve_script": home + "/sieve/active.sieve",
        "uid": str(dv.MAIL_UID), "gid": str(dv.MAIL_GID)})
    siren = lu.Siren(conf, port).start()
    try:
        c = lu.Client(port)
        lu.lhlo(c)
        c.send("MAIL FROM:<alice@example.com>\r\n"
               "RCPT TO:<test@example.org>\r\n"
               "RCPT TO:<test+lists@example.org>\r\nDATA\r\n")
        assert c.replies(4)[3].startswith("354")
        c.send(lu.message("lmtp pair") + ".\r\n")
        r = c.replies(2)
        assert r[0] == "250 2.0.0 <test@example.org> Saved", siren.logtext()
        assert r[1] == "250 2.0.0 <test+lists@example.org> Saved"
        c.send("QUIT\r\n")
        c.close()
    finally:
        siren.stop()
    m = d.imap()
    try:
        _, body = search_subject(m, "INBOX", "lmtp pair")
        assert b"Delivered-To: test@example.org\r\n" in body
        assert b"from mta.test ([127.0.0.1])" in body
        assert b"with LMTP id " in body
        _, body2 = search_subject(m, "Lists", "lmtp pair")
        assert b"Delivered-To: test+lists@example.org\r\n" in body2
        tail = b"\r\nFrom: a@b.example\r\n"
        assert body[body.index(tail):] == body2[body2.index(tail):]
    finally:
        m.logout()


EXAMPLES = os.path.join(dv.ROOT, "examples", "sieve")


@pytest.mark.skipif(not os.path.exists(dv.SIREN), reason="siren not built")
def test_example_scripts_compile():
    import glob
    import subprocess
    scripts = sorted(glob.glob(os.path.join(EXAMPLES, "*.sieve")))
    assert len(scripts) >= 4
    r = subprocess.run([dv.SIREN, "check"] + scripts, capture_output=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


@pytest.mark.skipif(not os.path.exists(dv.SIREN), reason="siren not built")
def test_example_flags_and_filing_through_dovecot(server):
    d, _ = server
    with open(os.path.join(EXAMPLES, "flags.sieve")) as f:
        flags_script = f.read()
    with open(os.path.join(EXAMPLES, "filing.sieve")) as f:
        filing_script = f.read()
    siren_deliver(d, "cheap pills", script=flags_script,
                  headers=b"X-Spam-Flag: YES\r\n")
    siren_deliver(d, "urgent: call me", script=flags_script)
    siren_deliver(d, "votre facture", script=filing_script)
    m = d.imap()
    try:
        flags, _ = search_subject(m, "Junk", "cheap pills")
        assert {b"\\Seen", b"Junk", b"$Label1"} <= flags
        flags, _ = search_subject(m, "INBOX", "urgent: call me")
        assert b"\\Flagged" in flags and b"\\Seen" not in flags
        search_subject(m, "Envoy&AOk-s", "votre facture")
    finally:
        m.logout()
