#!/usr/bin/env python3
"""collector.py - a fake feedback collector (feedback_url) for confab's tests.

Standard library only (Python 3.11), like fakeapi.py.

Serve:   collector.py --port-file PATH --log PATH [--max-seconds N] [--host H]

Listens on loopback, on an ephemeral port, and writes the port and a newline to
--port-file atomically once it is listening. Exits cleanly on SIGTERM or
SIGINT, or by itself after --max-seconds (default 600).

The mode is the request path (a "~tag" suffix is allowed and ignored, so tests
can tell their requests apart in the log):

  POST /ok      accepts: 201 {"status":"accepted"}
  POST /fail2   for each Idempotency-Key, 500 on the first two attempts, then
                accepts
  POST /500     always 500
  POST /hang    reads the request, then never answers (until the server stops)
  GET  /_health 200 ok
  GET  /_state  {"accepted": {key: count}, "attempts": {key: count}}

Every POST needs an Idempotency-Key header (else 400). A key that was already
accepted (in any mode) is not accepted again: the answer is 200
{"status":"duplicate"}, and the log line says "outcome": "duplicate", so a test
can assert that each rating arrived exactly once.

The log (--log) gets one JSON line per POST, written with a single write on an
O_APPEND descriptor before the response:

  {"path": "/ok", "mode": "ok", "key": "<header>", "body_key": "<body's
   idempotency_key>", "attempt": 1, "outcome": "accepted" | "duplicate" |
   "failed" | "hung" | "bad-request", "status": 201, "headers": {...},
   "body": {...}, "time": 1795756741.255}
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STOP = threading.Event()
MAX_BODY = 4 * 1024 * 1024


class State:
    lock = threading.Lock()
    accepted = {}      # key -> times accepted (must stay 1)
    attempts = {}      # key -> POSTs seen
    log_fd = None


S = State()


def log_line(entry):
    line = json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n"
    os.write(S.log_fd, line)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "collector/1"
    sys_version = ""
    timeout = 300

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_health":
            self.answer(200, {"ok": True})
        elif self.path == "/_state":
            with S.lock:
                self.answer(200, {"accepted": S.accepted, "attempts": S.attempts})
        else:
            self.answer(404, {"error": "no such path"})

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    def do_POST(self):
        raw = self.read_body()
        mode = self.path.split("?")[0].lstrip("/").split("~")[0]
        key = self.headers.get("Idempotency-Key")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = raw.decode("utf-8", "replace")
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        entry = {"path": self.path, "mode": mode, "key": key,
                 "body_key": body.get("idempotency_key") if isinstance(body, dict) else None,
                 "headers": hdrs, "body": body, "time": round(time.time(), 3)}
        if mode not in ("ok", "fail2", "500", "hang"):
            entry.update(outcome="bad-request", status=404, attempt=0)
            log_line(entry)
            self.answer(404, {"error": "unknown mode %r" % mode})
            return
        if not key:
            entry.update(outcome="bad-request", status=400, attempt=0)
            log_line(entry)
            self.answer(400, {"error": "Idempotency-Key is required"})
            return
        with S.lock:
            S.attempts[key] = S.attempts.get(key, 0) + 1
            attempt = S.attempts[key]
            if S.accepted.get(key):
                outcome, status = "duplicate", 200
            elif mode == "ok" or (mode == "fail2" and attempt > 2):
                outcome, status = "accepted", 201
                S.accepted[key] = 1
            elif mode == "hang":
                outcome, status = "hung", None
            else:
                outcome, status = "failed", 500
        entry.update(outcome=outcome, status=status, attempt=attempt)
        log_line(entry)
        if outcome == "hung":
            while not STOP.wait(0.2):
                pass
            self.close_connection = True
            return
        if status >= 500:
            self.answer(status, {"error": "the collector failed (as asked)"})
        else:
            self.answer(status, {"status": outcome, "key": key})


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake feedback collector for tests.")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args(argv)

    S.log_fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    srv = ThreadingHTTPServer((args.host, 0), Handler)
    srv.daemon_threads = True

    def stop(signum, frame):
        STOP.set()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, args.port_file)
    if not STOP.wait(args.max_seconds):
        sys.stderr.write("collector: --max-seconds %g reached, exiting\n" % args.max_seconds)
    STOP.set()
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
