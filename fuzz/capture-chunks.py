#!/usr/bin/env python3
"""Capture the chunks of every fake-server scenario as fuzz seeds.

    python3 fuzz/capture-chunks.py fuzz/corpus/api-fast

Starts tests/server/fakeapi.py on loopback, asks every scenario for a
streamed answer (with usage), reads the event stream (LF, CRLF or CR line
ends, multi-line data joined with LF) and writes each distinct data payload
but [DONE] as a file: SCENARIO-N. A long stream keeps its first four and last
two chunks; one over 8 KiB is left out. Existing files of the same names are replaced; hand-made seeds
(edge-*) are left alone.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKE = os.path.join(TOP, "tests", "server", "fakeapi.py")
BODY = {"model": "qwen-plus", "stream": True, "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "hi"}]}


def payloads(raw):
    """The data payloads of an event stream, in order."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    out, data = [], None
    for line in re.split(rb"\r\n|\r|\n", raw):
        if line == b"":
            if data is not None:
                out.append(b"\n".join(data))
            data = None
        elif line.startswith(b"data:"):
            v = line[5:]
            v = v[1:] if v.startswith(b" ") else v
            data = (data or []) + [v]
    if data is not None:
        out.append(b"\n".join(data))
    return [p for p in out if p and p != b"[DONE]"]


def fetch(base, name):
    req = urllib.request.Request(
        "%s/s/%s/v1/chat/completions" % (base, name), data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer k"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            if "event-stream" not in (r.headers.get("Content-Type") or "").lower():
                return b""
            return r.read()
    except Exception as e:          # errors, cuts, stalls: keep what came
        return getattr(e, "partial", b"") or b""


def main():
    out = sys.argv[1]
    tmp = tempfile.mkdtemp()
    port = os.path.join(tmp, "port")
    server = subprocess.Popen([sys.executable, FAKE, "--port-file", port, "--log", os.devnull,
                               "--pause", "0", "--max-seconds", "300"])
    try:
        while not os.path.exists(port) or not open(port).read().strip():
            time.sleep(0.05)
        base = "http://127.0.0.1:%s" % open(port).read().strip()
        names = re.findall(r"^(\S+)", subprocess.run(
            [sys.executable, FAKE, "--list"], capture_output=True, text=True).stdout, re.M)
        seen = set()
        for name in names:
            if name in ("stall", "slow-first-byte"):
                continue
            chunks = payloads(fetch(base, name))
            if len(chunks) > 6:
                chunks = chunks[:4] + chunks[-2:]
            n = 0
            for c in chunks:
                if c in seen or len(c) > 8192:  # past the fuzzers' -max_len
                    continue
                seen.add(c)
                n += 1
                with open(os.path.join(out, "%s-%d" % (name, n)), "wb") as f:
                    f.write(c)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
