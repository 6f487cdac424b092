"""The outbox dispatcher against fake Pushover, Slack, IFTTT and webhook
endpoints on 127.0.0.1: exact request contents, retries and dead letters,
crash recovery, the SSRF guard, `siren notify-test` and `siren queue`."""
import base64
import hashlib
import hmac
import json
import os
import time
import urllib.parse

import pytest

import notify_util as nu

PO_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
PO_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
IFTTT_KEY = "dK3yIfTtTkEy_42"
WH_KEY = bytes(range(1, 33))
WH_SECRET = "whsec_" + base64.b64encode(WH_KEY).decode()


def make_conf(tmp_path, ep, outbox=None, allow=True, name="siren.conf"):
    ob = {"spool": os.path.join(str(tmp_path), "spool"), "retry_base": "1",
          "retry_cap": "1", "timeout": "2", "connect_timeout": "2",
          "max_age": "60", "suppress_window": "0", "rate_limit": "0"}
    ob.update(outbox or {})
    wh = {"secret": WH_SECRET, "allow_http": "yes"}
    if allow:
        wh["allow"] = "127.0.0.1/32, ::1"
    return nu.write_config(tmp_path, {
        "outbox": ob,
        "notify.pushover": {"token": PO_TOKEN, "base_url": ep.url},
        "notify.slack": {"base_url": ep.url},
        "notify.ifttt": {"base_url": ep.url, "key": IFTTT_KEY},
        "notify.webhook": wh,
    }, name)


class Env:
    def __init__(self, tmp_path, behave=None, outbox=None, allow=True):
        self.ep = nu.FakeEndpoint(behave)
        self.conf = make_conf(tmp_path, self.ep, outbox, allow)
        self.spool = os.path.join(str(tmp_path), "spool")
        self.tmp_path = tmp_path
        self.disp = None

    def start(self, tag="dispatcher"):
        self.disp = nu.Dispatcher(self.conf, self.tmp_path, tag)
        return self.disp

    def enqueue(self, method, **kw):
        return nu.enqueue(self.spool, method, **kw)

    def settled(self, timeout=20):
        return nu.wait_for(lambda: nu.spool_empty(self.spool), timeout)

    def close(self):
        if self.disp:
            self.disp.stop()
        self.ep.stop()


@pytest.fixture
def env_factory(tmp_path):
    envs = []

    def make(behave=None, **kw):
        e = Env(tmp_path, behave, **kw)
        envs.append(e)
        return e
    yield make
    for e in envs:
        e.close()


def sequence(*answers):
    """Answer the n-th request with answers[n] (the last one repeats)."""
    state = {"n": 0}

    def behave(rec):
        i = min(state["n"], len(answers) - 1)
        state["n"] += 1
        return answers[i]
    return behave


OK = (200, {}, "ok")


# ---- request contents ----------------------------------------------------

def test_pushover_request_fields(env_factory):
    env = env_factory(lambda r: (200, {"Content-Type": "application/json"},
                                 '{"status":1,"request":"r-1"}'))
    env.start()
    jid = env.enqueue("pushover:" + PO_USER, message="Hi & <you> é",
                      importance=1)
    req = env.ep.got(1)[0]
    assert env.settled()
    assert req.method == "POST" and req.path == "/1/messages.json"
    assert req.header("Content-Type") == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(req.body.decode(), strict_parsing=True)
    assert form["token"] == [PO_TOKEN]
    assert form["user"] == [PO_USER]
    assert form["message"] == ["Hi & <you> é"]
    assert form["priority"] == ["1"]
    assert form["title"] == ["Bob <bob@example.net>: Lunch?"]
    assert int(form["timestamp"][0]) > 1700000000
    assert req.header("User-Agent").startswith("siren/")
    log = env.disp.log()
    assert "job=%s" % jid in log and "outcome=delivered" in log
    # The log names the method and a short prefix, never the key or token.
    assert PO_USER not in log and PO_TOKEN not in log
    assert "method=pushover:uQiR..." in log


def test_slack_escaping(env_factory):
    env = env_factory()
    env.start()
    env.enqueue("slack:T0001/B0002/SeCrEtPaTh",
                message="<!channel> & <http://evil.example|click> *hi*")
    req = env.ep.got(1)[0]
    assert env.settled()
    assert req.path == "/services/T0001/B0002/SeCrEtPaTh"
    assert req.header("Content-Type") == "application/json"
    assert req.json() == {"text": "&lt;!channel&gt; &amp; "
                                  "&lt;http://evil.example|click&gt; *hi*"}
    assert "SeCrEtPaTh" not in env.disp.log()


def test_ifttt_values(env_factory):
    env = env_factory(lambda r: (200, {}, "Congratulations! You've fired "
                                          "the mail_in event"))
    env.start()
    env.enqueue("ifttt:mail_in", message="New mail from Bob")
    req = env.ep.got(1)[0]
    assert env.settled()
    assert req.path == "/trigger/mail_in/with/key/" + IFTTT_KEY
    assert req.json() == {"value1": "Bob <bob@example.net>",
                          "value2": "Lunch?", "value3": "New mail from Bob"}
    assert IFTTT_KEY not in env.disp.log()


def verify_standard_webhook(req):
    wid = req.header("webhook-id")
    ts = req.header("webhook-timestamp")
    sigs = req.header("webhook-signature").split()
    signed = wid.encode() + b"." + ts.encode() + b"." + req.body
    want = base64.b64encode(hmac.new(WH_KEY, signed, hashlib.sha256)
                            .digest()).decode()
    assert any(hmac.compare_digest(s, "v1," + want) for s in sigs), sigs
    assert abs(int(ts) - time.time()) < 300
    return wid


def test_webhook_standard_signature(env_factory):
    env = env_factory()
    env.start()
    jid = env.enqueue(env.ep.url + "/hook?token=abc", message="Hello",
                      importance=3, options=["colour=red"])
    req = env.ep.got(1)[0]
    assert env.settled()
    assert req.path == "/hook?token=abc"
    assert verify_standard_webhook(req) == jid
    body = req.json()
    assert body["type"] == "mail.notify"
    assert body["data"]["message"] == "Hello"
    assert body["data"]["importance"] == 3
    assert body["data"]["subject"] == "Lunch?"
    assert body["data"]["options"] == {"colour": "red"}
    log = env.disp.log()
    assert "token=abc" not in log and "/hook" not in log
    assert "method=http://127.0.0.1:%d/..." % env.ep.port in log


# ---- retries and dead letters ------------------------------------------

def test_500_retried_with_same_webhook_id(env_factory):
    env = env_factory(sequence((500, {}, "oops"), (502, {}, "bad gw"), OK))
    env.start()
    jid = env.enqueue(env.ep.url + "/hook")
    reqs = env.ep.got(3)
    assert env.settled()
    assert len(reqs) == 3
    assert {verify_standard_webhook(r) for r in reqs} == {jid}
    log = env.disp.log()
    assert log.count("outcome=retry") == 2
    assert "attempt=3 outcome=delivered" in log


def test_429_retry_after_seconds_then_queue_retry(env_factory):
    env = env_factory(sequence((429, {"Retry-After": "40"}, "slow down"), OK),
                      outbox={"retry_after_cap": "120"})
    env.start()
    t0 = int(time.time())
    jid = env.enqueue("slack:T1/B2/C3")
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "retry") == [jid])
    job = nu.load_job(env.spool, "retry", jid)
    # Backoff alone is at most 1 s here: 40 s can only be Retry-After.
    assert job["next_attempt"] >= t0 + 39
    assert job["attempts"] == 1 and job["last_status"] == 429
    r = nu.siren("queue", "-c", env.conf, "retry", jid)
    assert r.returncode == 0, r.stderr
    assert "%s: retry -> new" % jid in r.stdout
    assert len(env.ep.got(2)) == 2
    assert env.settled()


def test_retry_after_http_date_is_capped(env_factory):
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                         time.gmtime(time.time() + 3600))
    env = env_factory(sequence((503, {"Retry-After": when}, ""), OK),
                      outbox={"retry_after_cap": "30"})
    env.start()
    t0 = int(time.time())
    jid = env.enqueue("ifttt:ev")
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "retry") == [jid])
    job = nu.load_job(env.spool, "retry", jid)
    assert t0 + 29 <= job["next_attempt"] <= int(time.time()) + 31


def test_hanging_endpoint_times_out_and_retries(env_factory):
    env = env_factory(sequence("hang", OK), outbox={"timeout": "1"})
    env.start()
    env.enqueue("pushover:" + PO_USER)
    assert len(env.ep.got(2, timeout=20)) == 2
    assert env.settled()
    log = env.disp.log()
    assert "outcome=retry" in log and "timed out" in log


def test_closed_connection_retries(env_factory):
    env = env_factory(sequence("close", OK))
    env.start()
    env.enqueue(env.ep.url + "/x")
    assert len(env.ep.got(2)) == 2
    assert env.settled()
    assert "outcome=retry" in env.disp.log()


def test_400_dead_lettered_with_reason(env_factory):
    env = env_factory(lambda r: (400, {"Content-Type": "application/json"},
                                 '{"status":0,"errors":["user key is invalid"]}'))
    env.start()
    jid = env.enqueue("pushover:" + PO_USER)
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "dead") == [jid])
    job = nu.load_job(env.spool, "dead", jid)
    assert "400" in job["last_error"] and "user key is invalid" in job["last_error"]
    assert PO_TOKEN not in json.dumps(job)
    assert len(env.ep.requests) == 1


def test_gives_up_after_max_age(env_factory):
    env = env_factory(lambda r: (503, {}, ""), outbox={"max_age": "3"})
    env.start()
    jid = env.enqueue("slack:T1/B2/C3")
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "dead") == [jid], 20)
    job = nu.load_job(env.spool, "dead", jid)
    assert job["last_error"].startswith("expired after")
    assert job["attempts"] >= 2


def test_unknown_scheme_and_invalid_uri_dead(env_factory):
    env = env_factory()
    env.start()
    a = env.enqueue("xmpp:someone@example.org")
    b = env.enqueue("pushover:short")
    assert nu.wait_for(lambda: len(nu.jobs_in(env.spool, "dead")) == 2)
    assert "no plugin" in nu.load_job(env.spool, "dead", a)["last_error"]
    assert "invalid" in nu.load_job(env.spool, "dead", b)["last_error"]
    assert env.ep.requests == []


# ---- durability -----------------------------------------------------------

def test_sigkill_mid_queue_delivers_everything(env_factory):
    def slow(rec):
        time.sleep(0.2)
        return OK
    env = env_factory(slow, outbox={"concurrency": "3"})
    ids = {env.enqueue(env.ep.url + "/hook", message="m%d" % i)
           for i in range(24)}
    first = env.start("first")
    env.ep.got(5)
    first.kill()
    assert nu.jobs_in(env.spool, "new") or nu.jobs_in(env.spool, "cur")
    env.start("second")
    assert env.settled(30)
    seen = [verify_standard_webhook(r) for r in env.ep.requests]
    # Receivers dedupe on webhook-id: every job arrived, and only the
    # few in flight at the kill may arrive twice.
    assert set(seen) == ids
    assert len(seen) - len(set(seen)) <= 3
    assert nu.jobs_in(env.spool, "dead") == []


def test_jobs_queued_while_down_and_left_in_cur(env_factory):
    env = env_factory()
    a = env.enqueue("slack:T1/B2/C3", message="queued while down")
    b = env.enqueue("slack:T1/B2/C3", message="was in flight")
    os.rename(os.path.join(env.spool, "new", b + ".json"),
              os.path.join(env.spool, "cur", b + ".json"))
    env.start()
    reqs = env.ep.got(2)
    assert env.settled()
    assert sorted(r.json()["text"] for r in reqs) == ["queued while down",
                                                      "was in flight"]
    assert "job %s: was in flight" % b in env.disp.log()
    assert a


def test_sigterm_exits_cleanly(env_factory):
    env = env_factory()
    d = env.start()
    env.enqueue("slack:T1/B2/C3")
    env.ep.got(1)
    assert env.settled()
    assert d.stop() == 0
    assert "stopped" in d.log()


# ---- policy ----------------------------------------------------------------

def test_ssrf_loopback_refused_without_allowlist(env_factory):
    env = env_factory(allow=False)
    env.start()
    jobs = [env.enqueue("http://127.0.0.1:%d/a" % env.ep.port),
            env.enqueue("http://localhost:%d/b" % env.ep.port),
            env.enqueue("http://2130706433:%d/c" % env.ep.port),
            env.enqueue("http://[::ffff:127.0.0.1]:%d/d" % env.ep.port)]
    assert nu.wait_for(lambda: len(nu.jobs_in(env.spool, "dead")) == 4)
    for j in jobs:
        err = nu.load_job(env.spool, "dead", j)["last_error"]
        assert "refused by SSRF policy" in err and "loopback" in err, err
    assert env.ep.requests == []
    assert "outcome=failed" in env.disp.log()


def test_suppression_of_identical_notifications(env_factory):
    env = env_factory(outbox={"suppress_window": "60"})
    env.start()
    env.enqueue("slack:T1/B2/C3", message="same")
    env.enqueue("slack:T1/B2/C3", message="same")
    env.enqueue("slack:T1/B2/C3", message="different")
    assert env.settled()
    time.sleep(0.3)
    assert sorted(r.json()["text"] for r in env.ep.requests) == ["different",
                                                                 "same"]
    log = env.disp.log()
    assert "outcome=dropped" in log and "suppressed" in log


def test_rate_limit_per_user(env_factory):
    env = env_factory(outbox={"rate_limit": "2", "rate_window": "1h"})
    env.start()
    for i in range(4):
        env.enqueue("slack:T1/B2/C3", message="a%d" % i, user="a@x")
    env.enqueue("slack:T1/B2/C3", message="b", user="b@x")
    assert env.settled()
    time.sleep(0.3)
    texts = [r.json()["text"] for r in env.ep.requests]
    assert len([t for t in texts if t.startswith("a")]) == 2
    assert "b" in texts
    assert env.disp.log().count("rate limited") == 2


# ---- commands --------------------------------------------------------------

def test_notify_test_outcomes(env_factory):
    answers = {"ok": (200, {}, '{"status":1,"request":"q"}'),
               "busy": (503, {"Retry-After": "7"}, "busy"),
               "bad": (400, {}, '{"status":0,"errors":["token is invalid"]}')}
    state = {"mode": "ok"}
    env = env_factory(lambda r: answers[state["mode"]])
    r = nu.siren("notify-test", "-c", env.conf, "pushover:" + PO_USER,
                 "--message", "ping")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "HTTP status: 200" in r.stdout and "outcome: delivered" in r.stdout
    assert '"request":"q"' in r.stdout
    assert urllib.parse.parse_qs(env.ep.requests[0].body.decode())[
        "message"] == ["ping"]
    state["mode"] = "busy"
    r = nu.siren("notify-test", "-c", env.conf, "pushover:" + PO_USER)
    assert r.returncode == 75 and "outcome: retry" in r.stdout
    assert "retry after: 7 s" in r.stdout
    state["mode"] = "bad"
    r = nu.siren("notify-test", "-c", env.conf, "pushover:" + PO_USER)
    assert r.returncode == 1 and "token is invalid" in r.stdout
    assert PO_TOKEN not in r.stdout + r.stderr
    r = nu.siren("notify-test", "-c", env.conf, "pushover:nope")
    assert r.returncode == 1 and "invalid URI" in r.stdout
    r = nu.siren("notify-test", "-c", env.conf, "gopher:x")
    assert r.returncode == 1 and "no plugin" in r.stdout
    assert nu.siren("notify-test", "-c", env.conf).returncode == 64


def test_notify_test_applies_ssrf_guard(env_factory):
    env = env_factory(allow=False)
    r = nu.siren("notify-test", "-c", env.conf,
                 "http://localhost:%d/x" % env.ep.port)
    assert r.returncode == 1
    assert "refused by SSRF policy" in r.stdout
    assert env.ep.requests == []


def test_queue_list_retry_purge(env_factory):
    state = {"mode": "bad"}
    env = env_factory(lambda r: (400, {}, "no_text") if state["mode"] == "bad"
                      else OK)
    env.start()
    a = env.enqueue("slack:T1/B2/C3", message="one")
    b = env.enqueue("slack:T1/B2/C3", message="two")
    assert nu.wait_for(lambda: len(nu.jobs_in(env.spool, "dead")) == 2)
    r = nu.siren("queue", "-c", env.conf, "list")
    assert r.returncode == 0
    rows = [l.split() for l in r.stdout.splitlines()[1:]]
    assert sorted(row[0] for row in rows) == sorted([a, b])
    assert all(row[1] == "dead" and row[2] == "1" for row in rows)
    assert "slack:T1/B..." in r.stdout and "C3" not in r.stdout
    assert "no_text" in r.stdout
    # retry one: it goes back to new/ and, the endpoint fixed, out.
    state["mode"] = "ok"
    r = nu.siren("queue", "-c", env.conf, "retry", a)
    assert r.returncode == 0 and "%s: dead -> new" % a in r.stdout
    assert nu.wait_for(lambda: len(env.ep.requests) == 3)
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "dead") == [b])
    # purge: dead only; a job id not there is an error (exit 1).
    c = env.enqueue("slack:T1/B2/C3", message="three", id=nu.new_job_id())
    r = nu.siren("queue", "-c", env.conf, "purge")
    assert r.returncode == 0 and "%s: dead purged" % b in r.stdout
    assert nu.jobs_in(env.spool, "dead") == []
    r = nu.siren("queue", "-c", env.conf, "purge", a)
    assert r.returncode == 1 and "no such job" in r.stderr
    assert nu.siren("queue", "-c", env.conf, "frobnicate").returncode == 64
    assert c


def test_queue_purge_all(env_factory):
    env = env_factory()
    ids = [env.enqueue("slack:T1/B2/C3", message=str(i)) for i in range(3)]
    r = nu.siren("queue", "-c", env.conf, "purge")
    assert r.returncode == 0 and "0 jobs" in r.stdout
    r = nu.siren("queue", "-c", env.conf, "purge", "--all")
    assert r.returncode == 0 and "3 jobs" in r.stdout
    assert nu.jobs_in(env.spool, "new") == [] and ids


def test_mailto_through_the_dispatcher(env_factory, tmp_path):
    """mailto: is not HTTP: the plugin's deliver() submits through
    sendmail_send, here a fake sendmail program that records its input."""
    out = tmp_path / "sent"
    prog = tmp_path / "fake-sendmail"
    prog.write_text("#!/bin/sh\nprintf '%%s\\n' \"$*\" > '%s.args'\n"
                    "cat > '%s'\n" % (out, out))
    prog.chmod(0o755)
    env = env_factory()
    with open(env.conf, "a") as f:
        f.write("\n[outgoing]\nsendmail = %s\n" % prog)
    env.start()
    jid = env.enqueue("mailto:bob@example.org?subject=ping",
                      message="You have mail")
    assert env.settled()
    assert nu.wait_for(lambda: out.exists() and out.read_text())
    msg = out.read_text()
    assert "Auto-Submitted: auto-notified" in msg
    assert "bob@example.org" in (tmp_path / "sent.args").read_text()
    assert "job=%s" % jid in env.disp.log()
    assert "outcome=delivered" in env.disp.log()


def test_response_body_capped(env_factory):
    env = env_factory(lambda r: (200, {}, "x" * 300000),
                      outbox={"max_response": "1024"})
    r = nu.siren("notify-test", "-c", env.conf, "slack:T1/B2/C3")
    assert r.returncode == 0, r.stdout + r.stderr
    # curl refuses the body up front from its Content-Length.
    assert "HTTP status: 200" in r.stdout and ", truncated)" in r.stdout
    assert "outcome: delivered" in r.stdout


def test_redirect_not_followed(env_factory):
    env = env_factory(lambda r: (302, {"Location": "http://127.0.0.1:1/"}, ""))
    env.start()
    jid = env.enqueue(env.ep.url + "/moved")
    assert nu.wait_for(lambda: nu.jobs_in(env.spool, "dead") == [jid])
    assert "302" in nu.load_job(env.spool, "dead", jid)["last_error"]
    assert len(env.ep.requests) == 1


def test_commands_refuse_bad_config(tmp_path):
    bad = nu.write_config(tmp_path, {"outbox": {"allow": "10.0.0.0/99"}})
    r = nu.siren("queue", "-c", bad, "list")
    assert r.returncode == 78 and "allow" in r.stderr
    r = nu.siren("notify-test", "-c", bad, "slack:T1/B2/C3")
    assert r.returncode == 78
    r = nu.siren("queue", "-c", str(tmp_path / "missing.conf"), "list")
    assert r.returncode == 78
    d = nu.Dispatcher(bad, tmp_path)
    assert d.proc.wait(10) == 78
    d.logf.close()


def test_per_host_cap_keeps_other_hosts_moving(env_factory, tmp_path):
    """concurrency 2, per_host 1: two jobs to a hanging webhook host take
    one slot, so a job to another host is sent while the second hanging
    job still waits (without the cap both slots would hang)."""
    env = env_factory(lambda r: "hang",
                      outbox={"concurrency": "2", "per_host": "1",
                              "timeout": "5"})
    other = nu.FakeEndpoint()
    try:
        env.start()
        env.enqueue(env.ep.url + "/a1", message="a1")
        env.enqueue(env.ep.url + "/a2", message="a2")
        env.ep.got(1)
        env.enqueue(other.url + "/b", message="b")
        assert len(other.got(1)) == 1
        # The second job to the hanging host has not been sent yet.
        assert len(env.ep.requests) == 1
    finally:
        other.stop()
