#!/usr/bin/env python3
"""fakeapi.py - a fake OpenAI-compatible chat API for confab's tests.

Standard library only (Python 3.11).  It is the only stand-in for DashScope,
Ollama and llama.cpp in the test suite, so it speaks the wire protocol byte for
byte, ugly corners included.  See README.md next to this file.

Serve:   fakeapi.py --port-file PATH --log PATH [--terms-dir DIR] [--max-seconds N]
                    [--tls CERT KEY]
Expect:  fakeapi.py --expect SCENARIO [--prompt TEXT]
         prints the answer text a correct client assembles (no newline added).
List:    fakeapi.py --list
"""

import argparse
import email.utils
import hashlib
import http
import itertools
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREATED = 1735000000
STOP = threading.Event()          # set on SIGTERM/SIGINT/--max-seconds
MODELS_GO = set()                 # POST /_models-go/NAME: models-gate~NAME's list goes out
PAUSE = 0.002                     # seconds between separately written pieces
MAX_BODY = 64 * 1024 * 1024
ABSENT = object()                 # "leave this key out"


class State:
    lock = threading.Lock()
    counters = {}                 # scenario key -> chat attempts so far
    seq = 0                       # requests seen, for unique ids
    log_fd = None
    terms_dir = None
    verbose = False


S = State()


# --------------------------------------------------------------------------
# Small helpers


def dumps(obj):
    """Compact JSON, raw UTF-8 (as DashScope sends it); controls escaped."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def http_date(ts=None):
    return email.utils.formatdate(ts, usegmt=True)


def uuid_like(seed):
    h = hashlib.sha256(seed.encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def text_of(content):
    """Message content: a string, or a list of parts with type text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content
                       if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def echo_text(prompt):
    return "Hello! You said: " + prompt


PIECE_SIZES = (6, 11, 7, 5, 9, 3)


def split_pieces(text, sizes=PIECE_SIZES):
    """Split text (by code points) into the content pieces of a stream."""
    out, i = [], 0
    for n in itertools.cycle(sizes):
        if i >= len(text):
            return out
        out.append(text[i:i + n])
        i += n


BIG_PIECES = (3, 17, 6, 64, 9, 33, 120, 48, 250, 12)
BIG_WRITES = (16384, 4093, 9001, 16381, 1500, 7)


@lru_cache(maxsize=4)
def big_text(n):
    """n bytes of ASCII: numbered lines, truncated to exactly n bytes."""
    line = "%07d The quick brown fox jumps over the lazy dog. 0123456789\n"
    per = len(line % 0)
    return "".join(line % i for i in range(n // per + 1))[:n]


REASONING = ("Okay, the user sent a message. I should greet them and quote it back "
             "exactly, without changing a byte.")

CJK_TEXT = ("你好，世界！👍🏽 家族👨‍👩‍👧\n"
            "第二行：中文、日本語のテキスト、한국어。🇨🇳🇯🇵 café e\u0301 ½ ∑ 𝄞\n")

UNICODE_LINES_TEXT = ("line-sep[\u2028] para-sep[\u2029] nel[\u0085] "
                      "bom-inside[\ufeff] zwj[a\u200db] end")

# Placeholders (single private-use code points, so piece splitting cannot cut
# them) replaced at the byte level after JSON encoding.
RAW9B = "\ue001"        # -> the single byte 0x9b (invalid UTF-8)
ESC9B = "\ue002"        # -> the six ASCII bytes \u009b (JSON escape)
UPPER_ESC = "\ue003"    # -> \u001B (upper-case JSON escape of ESC)

ESCAPES_TEXT = (
    "Terminal attack test.\n"
    "title:[\x1b]0;pwned-title\x07]\n"
    "title-st:[\x1b]2;pwned-title2\x1b\\]\n"
    "clipboard:[\x1b]52;c;ZWNobyBwd25lZA==\x07]\n"
    "hyperlink:[\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\]\n"
    "clear:[\x1b[2J\x1b[H]\n"
    "colour:[\x1b[31mred\x1b[0m \x1b[38;5;196mred256\x1b[0m " + UPPER_ESC + "[1mbold\x1b[m]\n"
    "cr:[visible text\rHIDDEN]\n"
    "backspace:[abc\x08\x08\x08XYZ]\n"
    "c1-raw-byte:[" + RAW9B + "31mraw]\n"
    "c1-utf8:[\u009b31mutf8\u009b0m]\n"
    "c1-json-escape:[" + ESC9B + "2J]\n"
    "c1-osc:[\u009d0;c1-title\u009c]\n"
    "nel:[a\u0085b]\n"
    "bidi-override:[abc\u202edcba\u202c]\n"
    "isolates:[\u2066x\u2067y\u2068z\u2069]\n"
    "tags:[\U000e0001\U000e0041\U000e0042\U000e0043\U000e007f]\n"
    "del:[a\x7fb] bell:[\x07] nul:[a\x00b] vt-ff:[\x0b\x0c]\n"
    "end of test.")


def escapes_expected():
    return (ESCAPES_TEXT.replace(RAW9B, "\ufffd")
            .replace(ESC9B, "\u009b").replace(UPPER_ESC, "\x1b"))


def patch_bytes(b):
    if b"\xee\x80" not in b:
        return b
    return (b.replace(RAW9B.encode(), b"\x9b")
            .replace(ESC9B.encode(), b"\\u009b")
            .replace(UPPER_ESC.encode(), b"\\u001B"))


# --------------------------------------------------------------------------
# Per-request context: response writing primitives


class Ctx:
    def __init__(self, h, scenario, key, attempt, raw, body, seq):
        self.h = h
        self.scenario = scenario          # behaviour name
        self.key = key                    # counter key (name incl. ~tag)
        self.attempt = attempt
        self.raw = raw
        self.body = body if isinstance(body, dict) else {}
        self.stream = self.body.get("stream") is True
        so = self.body.get("stream_options")
        self.include_usage = isinstance(so, dict) and so.get("include_usage") is True
        m = self.body.get("model")
        self.model = m if isinstance(m, str) and m else "qwen-plus"
        self.id = "chatcmpl-" + uuid_like("id/%s/%d/%d" % (key, attempt, seq))
        self.request_id = uuid_like("req/%s/%d/%d" % (key, attempt, seq))
        msgs = self.body.get("messages")
        self.messages = msgs if isinstance(msgs, list) else []
        self.prompt = ""
        for msg in self.messages:
            if isinstance(msg, dict) and msg.get("role") == "user":
                self.prompt = text_of(msg.get("content"))
        self.framing = None
        self.headers_sent = False

    # -- raw HTTP ------------------------------------------------------------
    def send_head(self, status, headers, framing, bare=False):
        """framing: 'length' (caller gives Content-Length), 'chunked', 'close'.
        bare: no Date/Server lines of ours (the caller gives every header)."""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
        lines = ["HTTP/1.1 %d %s" % (status, reason)]
        if not bare:
            lines += ["Date: " + http_date(), "Server: fakeapi"]
        lines += ["%s: %s" % kv for kv in headers]
        if framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        elif framing == "close":
            lines.append("Connection: close")
            self.h.close_connection = True
        self.h.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.framing = framing
        self.headers_sent = True

    def write(self, data, pause=None):
        """One body write (one TCP write; one HTTP chunk when chunked)."""
        if not data:
            return
        if self.framing == "chunked":
            data = b"%x\r\n" % len(data) + data + b"\r\n"
        self.h.wfile.write(data)
        p = PAUSE if pause is None else pause
        if p:
            time.sleep(p)

    def end(self):
        """Proper end of body."""
        if self.framing == "chunked":
            self.h.wfile.write(b"0\r\n\r\n")
        elif self.framing == "close":
            self.h.close_connection = True

    def drop(self):
        """End the connection without a proper end of body (FIN)."""
        self.h.close_connection = True

    def reset(self):
        """End the connection with a TCP RST."""
        self.h.close_connection = True
        s = self.h.connection
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(s.detach())

    def respond(self, status, body, ctype, headers=()):
        hdrs = [("Content-Type", ctype), ("Content-Length", str(len(body))),
                ("x-request-id", self.request_id)] + list(headers)
        self.send_head(status, hdrs, "length")
        if self.h.command != "HEAD":
            self.h.wfile.write(body)

    def json(self, status, obj, headers=()):
        self.respond(status, obj if isinstance(obj, bytes) else dumps(obj),
                     "application/json", headers)

    def error(self, status, message, etype, code, headers=(), with_ids=True):
        obj = {"error": {"message": message, "type": etype, "param": None, "code": code}}
        if with_ids:
            obj["id"] = self.id
            obj["request_id"] = self.request_id
        self.json(status, obj, headers)

    def start_sse(self, framing="chunked", ctype="text/event-stream", headers=()):
        hdrs = [("Content-Type", ctype), ("Cache-Control", "no-cache"),
                ("x-request-id", self.request_id),
                ("x-dashscope-call-gateway", "true")] + list(headers)
        self.send_head(200, hdrs, framing)

    def wait(self, seconds):
        STOP.wait(seconds)


# --------------------------------------------------------------------------
# Chunks, streams and complete answers


def chunk(ctx, delta=None, finish=None, choices=None, usage=None, model=None):
    """A DashScope-shaped chunk. choices=ABSENT leaves the key out."""
    obj = {}
    if choices is None:
        choices = [{"delta": delta, "finish_reason": finish, "index": 0, "logprobs": None}]
    if choices is not ABSENT:
        obj["choices"] = choices
    obj["object"] = "chat.completion.chunk"
    obj["usage"] = usage
    obj["created"] = CREATED
    obj["system_fingerprint"] = None
    obj["model"] = ctx.model if model is None else model
    obj["id"] = ctx.id
    return obj


def usage_obj(ctx, completion, reasoning=0, details=False):
    """prompt_tokens = 10 + code points of all message text;
    completion_tokens = number of non-empty content/reasoning pieces."""
    prompt = 10 + sum(len(text_of(m.get("content"))) for m in ctx.messages
                      if isinstance(m, dict))
    u = {"prompt_tokens": prompt, "completion_tokens": completion,
         "total_tokens": prompt + completion}
    if reasoning:
        u["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    if details:
        u["prompt_tokens_details"] = {"cached_tokens": 0}
    return u


def plan(ctx, text, finish="stop", reasoning=None, rfield="reasoning_content",
         pieces=None, usage=None, usage_details=False):
    """The chunks of a normal streamed answer (DashScope style).

    usage: None = only when stream_options.include_usage, True/False = force."""
    pieces = split_pieces(text) if pieces is None else pieces
    rpieces = split_pieces(reasoning) if reasoning else []
    ev = []
    if reasoning is not None:
        ev.append(chunk(ctx, {"content": None, "role": "assistant", rfield: ""}))
    else:
        ev.append(chunk(ctx, {"content": "", "role": "assistant"}))
    for p in rpieces:
        ev.append(chunk(ctx, {"content": None, rfield: p}))
    for i, p in enumerate(pieces):
        d = {"content": p}
        if reasoning is not None:
            d[rfield] = None
        ev.append(chunk(ctx, d, finish if i == len(pieces) - 1 else None))
    if not pieces:
        ev.append(chunk(ctx, {"content": ""}, finish))
    if usage is None:
        usage = ctx.include_usage
    if usage:
        ev.append(chunk(ctx, choices=[], usage=usage_obj(
            ctx, len([p for p in pieces + rpieces if p]), len(rpieces), usage_details)))
    return ev


def sse(e, eol=b"\n"):
    payload = e if isinstance(e, bytes) else patch_bytes(dumps(e))
    return b"data: " + payload + eol + eol


DONE = b"[DONE]"


def split_default(ev):
    """'data:' | ' {first half' | 'second half' + LF | LF."""
    if len(ev) < 9:
        return [ev]
    mid = 5 + (len(ev) - 6) // 2
    return [ev[:5], ev[5:mid], ev[mid:-1], ev[-1:]]


def split_none(ev):
    return [ev]


def send_stream(ctx, events, eol=b"\n", split=split_default, done=True,
                framing="chunked", before=b"", between=None, end=True, ctype=None):
    """Write events as SSE; each event in separately written pieces."""
    if ctype is None:
        ctx.start_sse(framing)
    else:
        ctx.start_sse(framing, ctype)
    if before:
        ctx.write(before)
    for i, e in enumerate(events):
        if between is not None and i:
            ctx.write(between(i))
        for p in split(sse(e, eol)):
            ctx.write(p)
    if done:
        for p in split(sse(DONE, eol)):
            ctx.write(p)
    if end:
        ctx.end()


def completion_obj(ctx, text, finish="stop", reasoning=None, rfield="reasoning_content"):
    msg = {"role": "assistant", "content": text}
    if reasoning is not None:
        msg[rfield] = reasoning
    n = len([p for p in split_pieces(text) if p])
    r = len(split_pieces(reasoning)) if reasoning else 0
    return {"choices": [{"message": msg, "finish_reason": finish, "index": 0,
                         "logprobs": None}],
            "object": "chat.completion", "usage": usage_obj(ctx, n + r, r),
            "created": CREATED, "system_fingerprint": None, "model": ctx.model,
            "id": ctx.id}


def complete(ctx, text, finish="stop", reasoning=None, rfield="reasoning_content"):
    ctx.json(200, patch_bytes(dumps(completion_obj(ctx, text, finish, reasoning, rfield))))


def answer(ctx, text, finish="stop", reasoning=None, rfield="reasoning_content", **kw):
    """Normal answer in whichever mode the request asked for."""
    if ctx.stream:
        send_stream(ctx, plan(ctx, text, finish, reasoning, rfield), **kw)
    else:
        complete(ctx, text, finish, reasoning, rfield)


# --------------------------------------------------------------------------
# Scenario table.  A scenario is a function (ctx) -> None registered under one
# or more names; `expect(prompt)` gives the answer text a correct client shows.

SCENARIOS = {}


def scenario(*names, doc, expect=None):
    def reg(fn):
        for n in names:
            SCENARIOS[n] = {"fn": fn, "doc": doc, "expect": expect}
        return fn
    return reg


ECHO = echo_text


@scenario("ok", doc="Echo answer 'Hello! You said: <last user text>', events split "
          "across writes; usage chunk when include_usage.", expect=ECHO)
def s_ok(ctx):
    answer(ctx, echo_text(ctx.prompt))


@scenario("say", doc="The answer is the last user text, as it is (a test tells the server "
          "what to answer: a table, CJK, emoji sequences).", expect=lambda p: p)
def s_say(ctx):
    answer(ctx, ctx.prompt)


@scenario("ctype-params", doc="As ok, Content-Type 'Text/Event-Stream; Charset=UTF-8'.",
          expect=ECHO)
def s_ctype(ctx):
    if ctx.stream:
        send_stream(ctx, plan(ctx, echo_text(ctx.prompt)),
                    ctype="Text/Event-Stream; Charset=UTF-8")
    else:
        complete(ctx, echo_text(ctx.prompt))


@scenario("auth", doc="401 unless 'Authorization: Bearer <non-empty>', then ok.",
          expect=ECHO)
def s_auth(ctx):
    a = ctx.h.headers.get("Authorization", "")
    if not re.fullmatch(r"Bearer \S+", a):
        return err_401(ctx)
    s_ok(ctx)


@scenario("reasoning", doc="Qwen3 thinking: delta.reasoning_content pieces (content null), "
          "then content pieces (reasoning_content null).", expect=ECHO)
def s_reasoning(ctx):
    answer(ctx, echo_text(ctx.prompt), reasoning=REASONING)


@scenario("ollama-reasoning", doc="Ollama: reasoning in delta.reasoning, every chunk repeats "
          "role, id chatcmpl-1, system_fingerprint fp_ollama.", expect=ECHO)
def s_ollama_reasoning(ctx):
    ollama(ctx, REASONING)


@scenario("ollama", doc="Ollama chunk shape without reasoning.", expect=ECHO)
def s_ollama(ctx):
    ollama(ctx, None)


def ollama(ctx, reasoning):
    ctx.id = "chatcmpl-1"
    text = echo_text(ctx.prompt)

    def ch(delta, finish=None, choices=None, usage=ABSENT):
        o = {"id": ctx.id, "object": "chat.completion.chunk", "created": CREATED,
             "model": ctx.model, "system_fingerprint": "fp_ollama"}
        o["choices"] = choices if choices is not None else [
            {"index": 0, "delta": delta, "finish_reason": finish}]
        if usage is not ABSENT:
            o["usage"] = usage
        return o

    if not ctx.stream:
        msg = {"role": "assistant", "content": text}
        if reasoning:
            msg["reasoning"] = reasoning
        n = len(split_pieces(text)) + (len(split_pieces(reasoning)) if reasoning else 0)
        return ctx.json(200, {"id": ctx.id, "object": "chat.completion", "created": CREATED,
                              "model": ctx.model, "system_fingerprint": "fp_ollama",
                              "choices": [{"index": 0, "message": msg,
                                           "finish_reason": "stop"}],
                              "usage": usage_obj(ctx, n)})
    ev = []
    rp = split_pieces(reasoning) if reasoning else []
    for p in rp:
        ev.append(ch({"role": "assistant", "content": "", "reasoning": p}))
    cp = split_pieces(text)
    for p in cp:
        ev.append(ch({"role": "assistant", "content": p}))
    ev.append(ch({"role": "assistant", "content": ""}, "stop"))
    if ctx.include_usage:
        ev.append(ch(None, choices=[], usage=usage_obj(ctx, len(rp) + len(cp))))
    send_stream(ctx, ev)


@scenario("cjk-split", doc="CJK, emoji with modifiers and ZWJ; writes split inside UTF-8 "
          "characters and inside 'data:'.", expect=lambda p: CJK_TEXT)
def s_cjk(ctx):
    if not ctx.stream:
        return complete(ctx, CJK_TEXT)
    pieces = split_pieces(CJK_TEXT, (1, 2, 3, 4, 5))

    def split(ev):
        cuts = {2, len(ev) - 1}
        multi = [i for i, b in enumerate(ev) if b >= 0xC0]
        for j, i in enumerate(multi[:1] + multi[-1:]):
            w = 4 if ev[i] >= 0xF0 else 3 if ev[i] >= 0xE0 else 2
            cuts.add(i + (2 if w == 4 and j else 1))
        cuts = sorted(c for c in cuts if 0 < c < len(ev))
        return [ev[a:b] for a, b in zip([0] + cuts, cuts + [len(ev)])]

    send_stream(ctx, plan(ctx, CJK_TEXT, pieces=pieces), split=split)


@scenario("unicode-lines", doc="Content with raw U+2028, U+2029, U+0085 and U+FEFF inside "
          "the JSON (none of them ends an SSE line).", expect=lambda p: UNICODE_LINES_TEXT)
def s_unicode_lines(ctx):
    answer(ctx, UNICODE_LINES_TEXT)


@scenario("keepalive", doc="': keep-alive' and ':' comment lines before and between events, "
          "and a comment inside an event block.", expect=ECHO)
def s_keepalive(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    comments = [b":\n\n", b": keep-alive\n\n", b":\n: ping\n\n", b": keep-alive\n"]
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), before=b": keep-alive\n\n",
                between=lambda i: comments[i % len(comments)])


@scenario("crlf", doc="Every line ends CRLF; a write boundary between each CR and LF.",
          expect=ECHO)
def s_crlf(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), eol=b"\r\n",
                split=lambda ev: [ev[:-3], ev[-3:-1], ev[-1:]])


@scenario("cr", doc="Every line ends with a lone CR (write boundary after the first CR).",
          expect=ECHO)
def s_cr(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), eol=b"\r",
                split=lambda ev: [ev[:-1], ev[-1:]])


@scenario("mixed-eol", doc="Events alternate LF, CRLF and CR line ends.", expect=ECHO)
def s_mixed_eol(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    eols = [b"\n", b"\r\n", b"\r"]
    for i, e in enumerate(plan(ctx, echo_text(ctx.prompt)) + [DONE]):
        ev = sse(e, eols[i % 3])
        ctx.write(ev[:-1])
        ctx.write(ev[-1:])
    ctx.end()


@scenario("bom", doc="UTF-8 BOM (its own write) before the first event.", expect=ECHO)
def s_bom(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), before=b"\xef\xbb\xbf")


@scenario("bom-split", doc="BOM split across writes: EF BB | BF + first event.", expect=ECHO)
def s_bom_split(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    ctx.write(b"\xef\xbb")
    evs = plan(ctx, echo_text(ctx.prompt))
    ctx.write(b"\xbf" + sse(evs[0]))
    for e in evs[1:] + [DONE]:
        for p in split_default(sse(e)):
            ctx.write(p)
    ctx.end()


@scenario("bom-twice", doc="BOM at the start, and a second BOM before the second event: that "
          "line's field name is '\\ufeffdata', so the event (content 'IGNORED') is dropped.",
          expect=ECHO)
def s_bom_twice(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    evs = plan(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    ctx.write(b"\xef\xbb\xbf" + sse(evs[0]))
    ctx.write(b"\xef\xbb\xbf" + sse(chunk(ctx, {"content": "IGNORED"})))
    for e in evs[1:] + [DONE]:
        ctx.write(sse(e))
    ctx.end()


@scenario("big", "big4m", doc="1 MiB (big) or 4 MiB (big4m) answer: big_text(n), numbered "
          "ASCII lines; realistic piece sizes; writes of 7 B..16 KiB at arbitrary positions.")
def s_big(ctx):
    n = (4 if ctx.scenario == "big4m" else 1) * 1024 * 1024
    text = big_text(n)
    if not ctx.stream:
        return complete(ctx, text)
    # (Same bytes as send_stream(plan(...)), built faster: one content chunk is
    # encoded around a marker and the pieces are spliced in.)
    pieces = split_pieces(text, BIG_PIECES)
    head = [chunk(ctx, {"content": "", "role": "assistant"})]
    tail = [chunk(ctx, {"content": pieces[-1]}, "stop")]
    if ctx.include_usage:
        tail.append(chunk(ctx, choices=[], usage=usage_obj(ctx, len(pieces))))
    pre, post = sse(chunk(ctx, {"content": "\ue0ff"})).split("\ue0ff".encode())
    enc = json.encoder.encode_basestring
    body = b"".join([sse(e) for e in head]
                    + [pre + enc(p)[1:-1].encode() + post for p in pieces[:-1]]
                    + [sse(e) for e in tail] + [sse(DONE)])
    ctx.start_sse()
    i = 0
    for n in itertools.cycle(BIG_WRITES):
        if i >= len(body):
            break
        ctx.write(body[i:i + n], pause=0)
        i += n
    ctx.end()


SCENARIOS["big"]["expect"] = lambda p: big_text(1024 * 1024)
SCENARIOS["big4m"]["expect"] = lambda p: big_text(4 * 1024 * 1024)


@scenario("usage", "usage-null-choices", "usage-missing-choices",
          doc="Usage chunk always sent (with prompt_tokens_details); its choices is [] "
          "(usage), null (usage-null-choices) or missing (usage-missing-choices, vLLM).",
          expect=ECHO)
def s_usage(ctx):
    text = echo_text(ctx.prompt)
    if not ctx.stream:
        return complete(ctx, text)
    evs = plan(ctx, text, usage=True, usage_details=True)
    if ctx.scenario == "usage-null-choices":
        evs[-1]["choices"] = None
    elif ctx.scenario == "usage-missing-choices":
        del evs[-1]["choices"]
    send_stream(ctx, evs)


@scenario("done-no-blank", doc="llama.cpp: 'data: [DONE]' + LF with no blank line, then the "
          "connection closes (close-delimited body).", expect=ECHO)
def s_done_no_blank(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), framing="close", done=False)
    ctx.write(b"data: [DONE]\n")


@scenario("done-no-eol", doc="Ends with 'data: [DONE]' and no line end at all, then close.",
          expect=ECHO)
def s_done_no_eol(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), framing="close", done=False)
    ctx.write(b"data: [DONE]")


@scenario("no-done", doc="finish_reason stop (and usage if asked), then the body ends "
          "cleanly without [DONE].", expect=ECHO)
def s_no_done(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, plan(ctx, echo_text(ctx.prompt)), done=False)


@scenario("extra-fields", doc="Unknown keys everywhere (obfuscation, service_tier, timings, "
          "refusal, decoy objects holding 'content'), key order shuffled per chunk.",
          expect=ECHO)
def s_extra(ctx):
    if not ctx.stream:
        o = completion_obj(ctx, echo_text(ctx.prompt))
        o["service_tier"] = "default"
        o["x_decoy"] = {"message": {"content": "DECOY"}}
        return ctx.json(200, shuffled(o, 1))
    evs = plan(ctx, echo_text(ctx.prompt))
    for i, e in enumerate(evs):
        e["obfuscation"] = "x" * (i % 7) + "Qz9"
        e["service_tier"] = "default"
        e["system_fingerprint"] = "fp_%d" % i
        e["x_decoy"] = {"delta": {"content": "DECOY"}, "choices": [{"delta": {"content": "DECOY"}}]}
        for c in e.get("choices") or []:
            c["delta"]["refusal"] = None
            c["delta"]["annotations"] = []
            c["native_finish_reason"] = c["finish_reason"]
    evs[-1]["timings"] = {"prompt_n": 5, "prompt_ms": 12.5, "predicted_n": 9,
                          "predicted_ms": 80.1, "predicted_per_second": 112.4}
    send_stream(ctx, [shuffled(e, i) for i, e in enumerate(evs)])


def shuffled(obj, seed):
    """Same object, key order shuffled (recursively), deterministic."""
    rnd = random.Random(seed)

    def go(o):
        if isinstance(o, dict):
            items = list(o.items())
            rnd.shuffle(items)
            return {k: go(v) for k, v in items}
        if isinstance(o, list):
            return [go(v) for v in o]
        return o
    return go(obj)


def cut_expect(prompt):
    return "".join(split_pieces(echo_text(prompt))[:-1])


@scenario("cut", "cut-chunked", "cut-reset",
          doc="Content chunks but the last (no finish_reason, no [DONE]), a partial event "
          "line, then the connection ends: cut = close-delimited body + FIN; cut-chunked = "
          "chunked body without its last chunk + FIN; cut-reset = close-delimited + TCP RST. "
          "Non-stream: Content-Length promises more than is sent.", expect=cut_expect)
def s_cut(ctx):
    text = echo_text(ctx.prompt)
    if not ctx.stream:
        body = dumps(completion_obj(ctx, text))
        ctx.send_head(200, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))], "length")
        ctx.h.wfile.write(body[:len(body) // 2])
    else:
        evs = plan(ctx, text, usage=False)[:-1]
        send_stream(ctx, evs, framing="chunked" if ctx.scenario == "cut-chunked" else "close",
                    done=False, end=False)
        ctx.write(b'data: {"choices":[{"delta":{"content":"LOST')
    if ctx.scenario == "cut-reset":
        time.sleep(0.05)
        ctx.reset()
    else:
        ctx.drop()


@scenario("stall", doc="Two chunks (role, then 'Hello!'), then silence for 120 s with the "
          "connection open; then the connection is dropped. Non-stream: headers, then silence.")
def s_stall(ctx):
    if not ctx.stream:
        ctx.send_head(200, [("Content-Type", "application/json"),
                            ("Content-Length", "100")], "length")
    else:
        evs = plan(ctx, echo_text(ctx.prompt), usage=False)[:2]
        send_stream(ctx, evs, done=False, end=False)
    ctx.wait(120)
    ctx.drop()


@scenario("drip", "drip1m", doc="big_text's lines, 100 ms between content chunks (a "
          "reasoning chunk first): drip is 64 KiB in 40 chunks (about 4 s), drip1m 1 MiB in "
          "200 (about 20 s), answers a recording client saves many times on the way.")
def s_drip(ctx):
    size, count = (1024 * 1024, 200) if ctx.scenario == "drip1m" else (64 * 1024, 40)
    text = big_text(size)
    if not ctx.stream:
        return complete(ctx, text)
    n = -(-len(text) // count)
    ctx.start_sse()
    ctx.write(sse(chunk(ctx, {"role": "assistant", "content": "", "reasoning_content": REASONING})))
    for i in range(0, len(text), n):
        ctx.write(sse(chunk(ctx, {"content": text[i:i + n]})), pause=0)
        ctx.wait(0.1)
    ctx.write(sse(chunk(ctx, {}, "stop")))
    ctx.write(sse(DONE))
    ctx.end()


SCENARIOS["drip"]["expect"] = lambda p: big_text(64 * 1024)
SCENARIOS["drip1m"]["expect"] = lambda p: big_text(1024 * 1024)


@scenario("slow-first-byte", doc="Waits 3 s before the status line, then as ok.", expect=ECHO)
def s_slow_first_byte(ctx):
    ctx.wait(3)
    s_ok(ctx)


def stream_error(ctx, error, before=(), with_ids=True):
    """A 200 event stream (close-delimited) whose chunks `before` are followed by
    data: {"error": error[, "id", "request_id"]}; then the connection closes
    with no [DONE]. Each event is written in the usual split pieces."""
    send_stream(ctx, list(before), framing="close", done=False, end=False)
    obj = {"error": error}
    if with_ids:
        obj["id"] = ctx.id
        obj["request_id"] = ctx.request_id
    for p in split_default(sse(obj)):
        ctx.write(p)
    ctx.drop()


def role_chunk(ctx):
    return chunk(ctx, {"content": "", "role": "assistant"})


def api_error(message, etype, code):
    return {"message": message, "type": etype, "param": None, "code": code}


@scenario("error-in-stream", doc="200 stream: role chunk, content 'Partial answer ', then "
          "data: {\"error\":{... data_inspection_failed ...}}; connection closes.",
          expect=lambda p: "Partial answer ")
def s_error_in_stream(ctx):
    if not ctx.stream:
        return err_inspection(ctx, output=True)
    stream_error(ctx, api_error("Output data may contain inappropriate content.",
                                "data_inspection_failed", "data_inspection_failed"),
                 before=[role_chunk(ctx), chunk(ctx, {"content": "Partial answer "})])


# In-stream twins of the HTTP errors: the same error object, but inside a 200
# event stream (as gateways and OpenAI-compatible servers relay it once the
# status line has gone out). A client must treat each like the HTTP error.

MSG_401 = "Incorrect API key provided. "
MSG_429 = "Requests rate limit exceeded, please try again later."
MSG_QUOTA = ("You exceeded your current quota, please check your plan and billing "
             "details.")


@scenario("error-in-stream-auth", doc="200 stream whose first event is data: {\"error\": "
          "{... invalid_api_key ...}} (no ids), then close; no content. Non-stream: 401.")
def s_eis_auth(ctx):
    if not ctx.stream:
        return err_401(ctx)
    stream_error(ctx, api_error(MSG_401, "invalid_request_error", "invalid_api_key"),
                 with_ids=False)


def eis_429(ctx):
    if not ctx.stream:
        return err_429(ctx)
    stream_error(ctx, api_error(MSG_429, "limit_requests", "limit_requests"),
                 before=[role_chunk(ctx)])


@scenario("error-in-stream-429-then-ok", doc="Attempt 1: 200 stream, role chunk (content "
          "\"\"), then an error object limit_requests before any content, then close. "
          "Later attempts: ok.", expect=ECHO)
def s_eis_429_then_ok(ctx):
    if ctx.attempt == 1:
        return eis_429(ctx)
    s_ok(ctx)


@scenario("error-in-stream-429-always", doc="As error-in-stream-429-then-ok's attempt 1, "
          "on every attempt.")
def s_eis_429_always(ctx):
    eis_429(ctx)


@scenario("error-in-stream-quota", doc="200 stream, role chunk, then an error object "
          "insufficient_quota before any content (must not be retried). Non-stream: 429.")
def s_eis_quota(ctx):
    if not ctx.stream:
        return s_429_quota(ctx)
    stream_error(ctx, api_error(MSG_QUOTA, "insufficient_quota", "insufficient_quota"),
                 before=[role_chunk(ctx)])


def overload_expect(prompt):
    return "".join(split_pieces(echo_text(prompt))[:2])


@scenario("error-in-stream-overload-after-content", doc="OpenRouter: ': OPENROUTER "
          "PROCESSING', chunks with the first pieces of the echo answer, then the documented "
          "mid-stream error chunk (error {code: server_error, message: 'Provider disconnected "
          "unexpectedly'}, finish_reason 'error'), then close. Non-stream: 502.",
          expect=overload_expect)
def s_eis_overload(ctx):
    if not ctx.stream:
        return ctx.json(502, {"error": {"code": 502,
                                        "message": "Provider disconnected unexpectedly"}})
    gen = "gen-%d-%s" % (CREATED, hashlib.sha256(ctx.id.encode()).hexdigest()[:20])

    def ch(delta, finish=None, error=None):
        o = {"id": gen, "object": "chat.completion.chunk", "created": CREATED,
             "model": ctx.model, "provider": "OpenAI"}
        if error is not None:
            o["error"] = error
            o["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
        else:
            o["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish,
                             "native_finish_reason": finish, "logprobs": None}]
        return o
    evs = [ch({"role": "assistant", "content": p})
           for p in split_pieces(echo_text(ctx.prompt))[:2]]
    evs.append(ch({"content": ""}, "error", {"code": "server_error",
                                              "message": "Provider disconnected unexpectedly"}))
    ctx.send_head(200, [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                        ("X-Generation-Id", gen)], "close")
    ctx.write(b": OPENROUTER PROCESSING\n\n")
    for e in evs:
        for p in split_default(sse(e)):
            ctx.write(p)
    ctx.drop()


THINK_OPEN, THINK_CLOSE = "<think>\n", "\n</think>\n\n"


def think_inline_pieces(prompt):
    """<think>, the reasoning, </think>, the answer; the tags cut across pieces."""
    r = split_pieces(REASONING)
    a = split_pieces(echo_text(prompt))
    return (["<thi", "nk>\n" + r[0]] + r[1:-1] + [r[-1] + "\n</th", "ink>\n\n" + a[0]]
            + a[1:])


@scenario("think-inline", doc="Reasoning inline in content (a server without a reasoning "
          "parser): '<think>\\n' + REASONING + '\\n</think>\\n\\n' + the echo answer, the "
          "tags split across pieces ('<thi'|'nk>', '</th'|'ink>'). A client shows the echo "
          "answer as the answer and REASONING as reasoning.", expect=ECHO)
def s_think_inline(ctx):
    pieces = think_inline_pieces(ctx.prompt)
    text = "".join(pieces)
    assert text == THINK_OPEN + REASONING + THINK_CLOSE + echo_text(ctx.prompt)
    if not ctx.stream:
        return complete(ctx, text)
    send_stream(ctx, plan(ctx, text, pieces=pieces))


@scenario("malformed", doc="Role chunk, content 'Before ', then 'data: {not json', then more "
          "content ('AFTER') and [DONE]; a client like the SDKs stops at the bad line.",
          expect=lambda p: "Before ")
def s_malformed(ctx):
    if not ctx.stream:
        return ctx.respond(200, b'{"choices":[{"message":{"content":"Before', "application/json")
    ctx.start_sse()
    for e in [chunk(ctx, {"content": "", "role": "assistant"}),
              chunk(ctx, {"content": "Before "}), b"{not json",
              chunk(ctx, {"content": "AFTER"}, "stop"), DONE]:
        for p in split_default(sse(e)):
            ctx.write(p)
    ctx.end()


@scenario("llama-error-field", doc="A chunk, then a non-standard 'error: {...}' field block "
          "(a correct parser ignores it), then the rest of the answer and [DONE].",
          expect=ECHO)
def s_llama_error_field(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    evs = plan(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    for i, e in enumerate(evs + [DONE]):
        if i == 2:
            ctx.write(b'error: {"code":500,"message":"llama error field","type":"server_error"}\n\n')
        for p in split_default(sse(e)):
            ctx.write(p)
    ctx.end()


@scenario("sse-fields", doc="Fields a parser must handle: id:, retry:, event: message, an "
          "unknown field, 'data:' without space, 'data:  ' with two spaces, empty 'data:' "
          "and bare 'data' events (empty data, skip).", expect=ECHO)
def s_sse_fields(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    evs = plan(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    ctx.write(b"retry: 3000\n\n")
    for i, e in enumerate(evs):
        j = dumps(e)
        form = i % 5
        if form == 0:
            ctx.write(b"id: %d\nevent: message\ndata: " % i + j + b"\n\n")
        elif form == 1:
            ctx.write(b"data:" + j + b"\nfoo: bar\n\n")
        elif form == 2:
            ctx.write(b"data:  " + j + b"\n\n")
        elif form == 3:
            ctx.write(b"data:\n\n")
            ctx.write(b"data\n\n")
            ctx.write(b"data: " + j + b"\nid\n\n")
        else:
            ctx.write(b"data: " + j + b"\nretry: x1\n\n")
    ctx.write(b"data:[DONE]\n\n")
    ctx.end()


@scenario("multiline", doc="Each chunk's JSON split over two 'data:' lines at a comma (joined "
          "with LF it is still valid JSON).", expect=ECHO)
def s_multiline(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    ctx.start_sse()
    for e in plan(ctx, echo_text(ctx.prompt)):
        j = dumps(e)
        k = j.index(b',"object"')
        ctx.write(b"data: " + j[:k + 1] + b"\ndata: " + j[k + 1:] + b"\n\n")
    ctx.write(b"data: [DONE]\n\n")
    ctx.end()


@scenario("length", doc="finish_reason 'length'.", expect=ECHO)
def s_length(ctx):
    answer(ctx, echo_text(ctx.prompt), finish="length")


@scenario("content-filter", doc="finish_reason 'content_filter'.", expect=ECHO)
def s_content_filter(ctx):
    answer(ctx, echo_text(ctx.prompt), finish="content_filter")


@scenario("escapes", doc="Answer full of terminal attacks (OSC 0/2/52/8, CSI, ESC[2J, CR, BS, "
          "C1 as raw byte 0x9b / UTF-8 / JSON escape, NEL, bidi, isolates, tag characters, "
          "DEL, BEL, NUL). Raw 0x9b decodes to U+FFFD.",
          expect=lambda p: escapes_expected())
def s_escapes(ctx):
    answer(ctx, ESCAPES_TEXT)


@scenario("empty-choices-first", doc="First chunk has choices [] and usage null, then as ok.",
          expect=ECHO)
def s_empty_choices_first(ctx):
    if not ctx.stream:
        return complete(ctx, echo_text(ctx.prompt))
    send_stream(ctx, [chunk(ctx, choices=[])] + plan(ctx, echo_text(ctx.prompt)))


@scenario("null-content", doc="llama.cpp shape: first delta content null, model \"\", finish "
          "chunk with empty delta and timings.", expect=ECHO)
def s_null_content(ctx):
    ctx.model = ""
    text = echo_text(ctx.prompt)
    if not ctx.stream:
        return complete(ctx, text)

    def ch(delta, finish=None):
        return {"choices": [{"finish_reason": finish, "index": 0, "delta": delta}],
                "created": CREATED, "id": ctx.id, "model": "",
                "system_fingerprint": "b6000-1a2b3c4d", "object": "chat.completion.chunk"}
    evs = [ch({"role": "assistant", "content": None})]
    evs += [ch({"content": p}) for p in split_pieces(text)]
    last = ch({}, "stop")
    last["timings"] = {"prompt_n": 5, "predicted_n": 9, "predicted_ms": 80.1}
    evs.append(last)
    if ctx.include_usage:
        u = ch(None)
        u["choices"] = []
        u["usage"] = usage_obj(ctx, len(split_pieces(text)))
        evs.append(u)
    send_stream(ctx, evs)


@scenario("echo-json", doc="Answer content is the raw request body (UTF-8), so tests can "
          "check exactly what was sent.")
def s_echo_json(ctx):
    answer(ctx, ctx.raw.decode("utf-8", "replace"))


# ---- interoperability: what other servers and gateways send -----------------

# A gateway that slices JavaScript strings (String.prototype.slice counts UTF-16
# units) and re-serialises each piece with JSON.stringify: a piece may end with
# the high half of a surrogate pair and the next begin with the low half, and
# JSON.stringify writes a lone half as a lower-case \uXXXX escape (everything
# else raw UTF-8, compact). SURROGATE_TEXT holds emoji that the pieces cut in
# half, and three lone halves the text itself has: \ud800 in the middle of a
# piece, \udbff at the end of one (the next begins with "]") and \udc00 at the
# start of one (the one before ends with "["). A correct client joins the
# halves of each emoji and shows each lone half as U+FFFD.
SURROGATE_TEXT = ("Smile \U0001F600, party \U0001F389, rocket \U0001F680! Family "
                  "\U0001F468\u200d\U0001F469\u200d\U0001F467, flag \U0001F1EF\U0001F1F5, "
                  "clef \U0001D11E. Lone [\ud800] half, cut high [\udbff] and cut low "
                  "[\udc00] end.")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_expected():
    return LONE_SURROGATE.sub("\ufffd", SURROGATE_TEXT)


def utf16_units(text):
    b = text.encode("utf-16-le", "surrogatepass")
    return list(struct.unpack("<%dH" % (len(b) // 2), b))


def from_units(units):
    """UTF-16 units as a str: pairs joined, lone halves kept as they are."""
    return struct.pack("<%dH" % len(units), *units).decode("utf-16-le", "surrogatepass")


def surrogate_pieces():
    """SURROGATE_TEXT cut as a UTF-16 slicing gateway might: between the halves
    of every astral character, a piece that is only the high half of the party
    popper, the lone \udbff last in a piece, the lone \udc00 first in one, and
    every 12 units where nothing else cuts (never next to the lone \ud800)."""
    units = utf16_units(SURROGATE_TEXT)
    cuts = set()
    for i, u in enumerate(units):
        if 0xD800 <= u <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= units[i + 1] <= 0xDFFF:
            cuts.add(i + 1)
            if units[i + 1] == 0xDF89:          # U+1F389: the high half alone
                cuts.add(i)
        elif u == 0xDBFF:
            cuts.add(i + 1)
        elif u == 0xDC00 and (i == 0 or not 0xD800 <= units[i - 1] <= 0xDBFF):
            cuts.add(i)
    lone = units.index(0xD800)
    last = 0
    for i in range(1, len(units)):
        if i in cuts:
            last = i
        elif i - last >= 12 and i not in (lone, lone + 1):
            cuts.add(i)
            last = i
    cuts = sorted(c for c in cuts if 0 < c < len(units))
    return [from_units(units[a:b]) for a, b in zip([0] + cuts, cuts + [len(units)])]


def js_dumps(obj):
    """Compact JSON as JSON.stringify writes it: raw UTF-8, lone halves escaped."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), s).encode("utf-8")


assert utf16_units("".join(surrogate_pieces())) == utf16_units(SURROGATE_TEXT)


@scenario("surrogate-split", doc="A gateway slicing UTF-16: content pieces end with the high "
          "half of an emoji (\\ud83d) and the next begins with the low half (\\ude00), for "
          "every emoji; one piece is a high half alone; lone halves \\ud800 (mid-piece), "
          "\\udbff (piece end) and \\udc00 (piece start). Lone halves are JSON escapes. "
          "Non-stream: the whole text, lone halves escaped.",
          expect=lambda p: surrogate_expected())
def s_surrogate_split(ctx):
    if not ctx.stream:
        return ctx.json(200, js_dumps(completion_obj(ctx, SURROGATE_TEXT)))
    evs = plan(ctx, SURROGATE_TEXT, pieces=surrogate_pieces())
    send_stream(ctx, [js_dumps(e) for e in evs])


# Ollama's GET /v1/models with no model pulled (middleware/openai.go, ListWriter:
# openai.ToListCompletion leaves Data a nil slice, which encoding/json writes as
# null; json.Encoder adds a newline; Content-Type set by the writer; Go's
# net/http then adds Date and Content-Length after the handler's headers).
OLLAMA_MODELS_NULL = b'{"object":"list","data":null}\n'


def ollama_models_null(ctx):
    ctx.send_head(200, [("Content-Type", "application/json"), ("Date", http_date()),
                        ("Content-Length", str(len(OLLAMA_MODELS_NULL)))], "length", bare=True)
    if ctx.h.command != "HEAD":
        ctx.h.wfile.write(OLLAMA_MODELS_NULL)


scenario("models-null", doc="GET /models answers as Ollama with no model pulled, byte for "
         "byte: {\"object\":\"list\",\"data\":null} + LF, application/json; chat completions "
         "as ok.", expect=ECHO)(s_ok)

# OpenAI. Streams as the API sent them (openai-python's recorded fixtures, 2024;
# captures of gpt-4o in late 2025 for the newer envelope with service_tier,
# usage null and obfuscation). Whole answers pretty-printed with two spaces.
REFUSAL_TEXT = "I'm sorry, but I can't assist with that request."
REFUSAL_PIECES = ["I'm", " sorry", ",", " but", " I", " can't", " assist", " with", " that",
                  " request", "."]
TOOL_CALL_NAME = "get_weather"
TOOL_CALL_ARGS = '{"location":"San Francisco, CA"}'
TOOL_CALL_PIECES = ['{"', "location", '":"', "San", " Francisco", ",", " CA", '"}']
assert "".join(REFUSAL_PIECES) == REFUSAL_TEXT and "".join(TOOL_CALL_PIECES) == TOOL_CALL_ARGS


def openai_token(seed, n):
    """n letters and digits, deterministic (ids, obfuscation padding)."""
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    h = hashlib.sha256(seed.encode()).digest() * 4
    return "".join(alpha[b % len(alpha)] for b in h[:n])


def openai_head(ctx, ctype, length=None):
    hdrs = [("Content-Type", ctype), ("openai-processing-ms", "231"),
            ("openai-version", "2020-10-01"),
            ("x-request-id", "req_" + hashlib.sha256(ctx.id.encode()).hexdigest()[:32])]
    if length is None:
        ctx.send_head(200, hdrs, "chunked")
    else:
        ctx.send_head(200, hdrs + [("Content-Length", str(length))], "length")


def openai_stream(ctx, events):
    openai_head(ctx, "text/event-stream; charset=utf-8")
    for e in events + [DONE]:
        for p in split_default(sse(e)):
            ctx.write(p)
    ctx.end()


def openai_complete(ctx, message, finish):
    n = 12
    prompt = usage_obj(ctx, n)["prompt_tokens"]
    obj = {"id": ctx.id, "object": "chat.completion", "created": CREATED, "model": ctx.model,
           "choices": [{"index": 0, "message": message, "logprobs": None,
                        "finish_reason": finish}],
           "usage": {"prompt_tokens": prompt, "completion_tokens": n,
                     "total_tokens": prompt + n,
                     "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                     "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                   "accepted_prediction_tokens": 0,
                                                   "rejected_prediction_tokens": 0}},
           "service_tier": "default", "system_fingerprint": "fp_7eeb46f068"}
    body = json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
    openai_head(ctx, "application/json", len(body))
    ctx.h.wfile.write(body)


@scenario("refusal", doc="OpenAI refusal (structured outputs): delta.role + content null + "
          "refusal \"\", then delta.refusal pieces (no content key), then an empty delta with "
          "finish_reason stop; usage chunk when asked. Non-stream: message.content null, "
          "message.refusal. expect: the refusal text (a client shows it marked as a refusal).",
          expect=lambda p: REFUSAL_TEXT)
def s_refusal(ctx):
    if not ctx.stream:
        return openai_complete(ctx, {"role": "assistant", "content": None,
                                     "refusal": REFUSAL_TEXT, "annotations": []}, "stop")

    def ch(delta, finish=None):
        return {"id": ctx.id, "object": "chat.completion.chunk", "created": CREATED,
                "model": ctx.model, "system_fingerprint": "fp_845eaabc1f",
                "choices": [{"index": 0, "delta": delta, "logprobs": None,
                             "finish_reason": finish}]}
    evs = [ch({"role": "assistant", "content": None, "refusal": ""})]
    evs += [ch({"refusal": p}) for p in REFUSAL_PIECES]
    evs.append(ch({}, "stop"))
    if ctx.include_usage:
        u = ch(None)
        u["choices"] = []
        u["usage"] = usage_obj(ctx, len(REFUSAL_PIECES) + 1)
        evs.append(u)
    openai_stream(ctx, evs)


@scenario("tool-calls", doc="OpenAI tool call, no content: the first delta has role, content "
          "null, refusal null and tool_calls[0] with id, type, function.name and empty "
          "arguments; then tool_calls fragments carrying the arguments; then an empty delta "
          "with finish_reason tool_calls (service_tier, obfuscation; usage null and a usage "
          "chunk when asked). Non-stream: message.tool_calls, content null.")
def s_tool_calls(ctx):
    call_id = "call_" + openai_token(ctx.id, 24)
    if not ctx.stream:
        return openai_complete(ctx, {"role": "assistant", "content": None, "tool_calls": [
            {"id": call_id, "type": "function",
             "function": {"name": TOOL_CALL_NAME, "arguments": TOOL_CALL_ARGS}}],
            "refusal": None, "annotations": []}, "tool_calls")
    evs = []

    def ch(delta, finish=None, choices=None, usage=None):
        o = {"id": ctx.id, "object": "chat.completion.chunk", "created": CREATED,
             "model": ctx.model, "service_tier": "default",
             "system_fingerprint": "fp_7eeb46f068",
             "choices": choices if choices is not None else [
                 {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
        if ctx.include_usage:
            o["usage"] = usage
        o["obfuscation"] = openai_token("%s/%d" % (ctx.id, len(evs)), len(evs) * 5 % 16)
        evs.append(o)
    ch({"role": "assistant", "content": None, "tool_calls": [
        {"index": 0, "id": call_id, "type": "function",
         "function": {"name": TOOL_CALL_NAME, "arguments": ""}}], "refusal": None})
    for p in TOOL_CALL_PIECES:
        ch({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
    ch({}, "tool_calls")
    if ctx.include_usage:
        prompt = usage_obj(ctx, 0)["prompt_tokens"]
        n = len(TOOL_CALL_PIECES) + 1
        ch(None, choices=[], usage={
            "prompt_tokens": prompt, "completion_tokens": n, "total_tokens": prompt + n,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0}})
    openai_stream(ctx, evs)


# ---- errors ---------------------------------------------------------------

def err_401(ctx):
    ctx.error(401, MSG_401, "invalid_request_error", "invalid_api_key")


def err_inspection(ctx, output=False, camel=False):
    msg = ("Output" if output else "Input") + " data may contain inappropriate content."
    c = "DataInspectionFailed" if camel else "data_inspection_failed"
    ctx.error(400, msg, c, c)


@scenario("401", doc="401 invalid_api_key (also for /models).")
def s_401(ctx):
    err_401(ctx)


@scenario("403", doc="403 AccessDenied.Unpurchased (also for /models).")
def s_403(ctx):
    ctx.error(403, "Access to model denied. Please make sure you are eligible for using the "
              "model.", "AccessDenied.Unpurchased", "AccessDenied.Unpurchased")


@scenario("data-inspection-400", doc="400 data_inspection_failed (input).")
def s_inspection(ctx):
    err_inspection(ctx)


@scenario("data-inspection-400-camel", doc="400 with type/code 'DataInspectionFailed' "
          "(gateway spelling).")
def s_inspection_camel(ctx):
    err_inspection(ctx, camel=True)


@scenario("400-invalid-parameter", doc="400 invalid_parameter_error.")
def s_400(ctx):
    ctx.error(400, "<400> InternalError.Algo.InvalidParameter: Range of input length should "
              "be [1, 129024]", "invalid_request_error", "invalid_parameter_error")


def err_429(ctx, headers=()):
    ctx.error(429, MSG_429, "limit_requests", "limit_requests", headers)


def err_500(ctx):
    ctx.error(500, "An internal error has occured, please try again later or contact service "
              "support.", "internal_error", "internal_error")


def err_503(ctx):
    ctx.error(503, "The service is temporarily unavailable, please try again later.",
              "ServiceUnavailable", "ServiceUnavailable")


@scenario("429-always", doc="Always 429 limit_requests, no Retry-After.")
def s_429_always(ctx):
    err_429(ctx)


@scenario("429-quota", doc="429 insufficient_quota (must not be retried).")
def s_429_quota(ctx):
    ctx.error(429, MSG_QUOTA, "insufficient_quota", "insufficient_quota")


@scenario("429-then-ok", doc="Attempt 1: 429 with 'Retry-After: 1'; later attempts: ok.",
          expect=ECHO)
def s_429_then_ok(ctx):
    if ctx.attempt == 1:
        return err_429(ctx, [("Retry-After", "1")])
    s_ok(ctx)


@scenario("429-retry-date-then-ok", doc="Attempt 1: 429 with Retry-After as an HTTP date 2 s "
          "ahead; later attempts: ok.", expect=ECHO)
def s_429_date(ctx):
    if ctx.attempt == 1:
        return err_429(ctx, [("Retry-After", http_date(time.time() + 2))])
    s_ok(ctx)


@scenario("429-retry-long", doc="Always 429 with 'Retry-After: 3600' (beyond any cap).")
def s_429_long(ctx):
    err_429(ctx, [("Retry-After", "3600")])


@scenario("500-then-ok", doc="Attempts 1 and 2: 500; later attempts: ok.", expect=ECHO)
def s_500_then_ok(ctx):
    if ctx.attempt <= 2:
        return err_500(ctx)
    s_ok(ctx)


@scenario("503-always", doc="Always 503.")
def s_503_always(ctx):
    err_503(ctx)


@scenario("error-json-in-200", doc="200, Content-Type application/json, body is an error "
          "object (not SSE), even when stream was asked for.")
def s_error_json_200(ctx):
    ctx.error(200, "The model `qwen-nope` does not exist or you do not have access to it.",
              "invalid_request_error", "model_not_found")


HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            b"</body>\r\n</html>\r\n")


@scenario("html-502", doc="502 with an nginx HTML page, text/html.")
def s_html_502(ctx):
    ctx.respond(502, HTML_502, "text/html")


@scenario("html-200", doc="200 text/html captive-portal page instead of an answer.")
def s_html_200(ctx):
    ctx.respond(200, b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>"
                b"<h1>Please sign in to the Wi-Fi</h1>\n<script>alert(1)</script></body>"
                b"</html>\n", "text/html; charset=utf-8")


@scenario("ollama-404", doc="Ollama unknown model: 404, type not_found_error, code null.")
def s_ollama_404(ctx):
    ctx.error(404, 'model "%s" not found, try pulling it first' % ctx.model,
              "not_found_error", None, with_ids=False)


@scenario("llama-http-error", doc="llama.cpp error body: integer code equal to the status "
          "(400), extra keys.")
def s_llama_http_error(ctx):
    ctx.json(400, {"error": {"code": 400, "message": "the request exceeds the available "
                             "context size, try increasing it",
                             "type": "exceed_context_size_error",
                             "n_prompt_tokens": 9000, "n_ctx": 4096}})


# llama.cpp serving a model whose chat template insists on user/assistant/user/...
# (Gemma 3's; Mistral's templates make the same test): after an optional system
# message, message i must be a user turn exactly when i is even. The template's raise_exception() ends up in
# the HTTP error body. llama.cpp's own Jinja engine (common/jinja, from b7xxx)
# formats it at the CallExpression that raised: the line and column of its '(' in
# the template source, 40 bytes of source either side with each LF shown as U+21B5,
# a caret under the '(' (pos - start + 3 spaces), then "Error: Jinja Exception: "
# and the message. For Gemma 3 (google/gemma-3-*-it) the raise is on line 15 of the
# template. The server's ex_wrapper turns the exception into
# {"error":{"code":500,"message":...,"type":"server_error"}} (nlohmann, keys
# sorted, compact), Content-Type "application/json; charset=utf-8", from
# cpp-httplib, which sends no Date and sorts its headers. Builds with the
# differential autoparser (2026) wrap the same text in std::invalid_argument
# instead: 400 invalid_request_error, "Unable to generate parser for this
# template. Automatic parser generation failed: " + the text.

ROLES_MSG = "Conversation roles must alternate user/assistant/user/assistant/..."
JINJA_ROLES_ERROR = (
    "\n------------\nWhile executing CallExpression at line 15, column 27 in source:\n"
    "...% 2 == 0) -%}\u21b5        {{ raise_exception(\"Conversation roles must alternate "
    "user...\n" + " " * 43 + "^\nError: Jinja Exception: " + ROLES_MSG)
LLAMA_PARSER_PREFIX = ("Unable to generate parser for this template. Automatic parser "
                       "generation failed: ")


def roles_alternate(messages):
    """The Gemma 3 / Mistral template test, as the template does it."""
    if messages and isinstance(messages[0], dict) and messages[0].get("role") == "system":
        messages = messages[1:]
    for i, m in enumerate(messages):
        role = m.get("role") if isinstance(m, dict) else None
        if (role == "user") != (i % 2 == 0):
            return False
    return True


def llama_error(ctx, status, message, etype):
    """An error as llama-server (cpp-httplib) sends it, headers and all."""
    body = dumps({"error": {"code": status, "message": message, "type": etype}})
    ctx.send_head(status, [("Access-Control-Allow-Origin", ""),
                           ("Content-Length", str(len(body))),
                           ("Content-Type", "application/json; charset=utf-8"),
                           ("Keep-Alive", "timeout=5, max=100"),
                           ("Server", "llama.cpp")], "length", bare=True)
    ctx.h.wfile.write(body)


@scenario("strict-roles", doc="As ok, unless the messages after an optional leading system "
          "message do not alternate user/assistant/... starting with user: then llama.cpp "
          "(Jinja engine, early 2026) with Gemma 3's template: 500 server_error, message "
          "'Conversation roles must alternate ...' with the template location, on every "
          "attempt.", expect=ECHO)
def s_strict_roles(ctx):
    if roles_alternate(ctx.messages):
        return s_ok(ctx)
    llama_error(ctx, 500, JINJA_ROLES_ERROR, "server_error")


@scenario("strict-roles-400", doc="As strict-roles, as newer llama.cpp builds (autoparser) "
          "answer: 400 invalid_request_error, 'Unable to generate parser for this template. "
          "Automatic parser generation failed: ' + the same text.", expect=ECHO)
def s_strict_roles_400(ctx):
    if roles_alternate(ctx.messages):
        return s_ok(ctx)
    llama_error(ctx, 400, LLAMA_PARSER_PREFIX + JINJA_ROLES_ERROR, "invalid_request_error")


# ---- interoperability: what real servers and SDK-compatible mocks do --------

@scenario("stream-ctype-json", "stream-ctype-text", "stream-ctype-none",
          doc="A normal event stream sent with Content-Type application/json "
          "(stream-ctype-json), text/plain (stream-ctype-text) or none at all "
          "(stream-ctype-none), as npm mock servers do; the SDKs decide by what they "
          "asked for (stream: true), not by the header.", expect=ECHO)
def s_stream_ctype(ctx):
    if not ctx.stream:
        return s_ok(ctx)
    ctype = {"stream-ctype-json": "application/json",
             "stream-ctype-text": "text/plain; charset=utf-8"}.get(ctx.scenario)
    events = plan(ctx, echo_text(ctx.prompt))
    if ctype is not None:
        return send_stream(ctx, events, ctype=ctype)
    ctx.send_head(200, [("x-request-id", ctx.request_id)], "chunked")
    for e in events + [DONE]:
        for piece in split_default(sse(e)):
            ctx.write(piece)
    ctx.end()


@scenario("error-text-plain", doc="400 text/plain 'Bad Request: model is required' (a plain "
          "HTTP framework's error, no JSON).")
def s_error_text_plain(ctx):
    ctx.respond(400, b"Bad Request: model is required", "text/plain; charset=utf-8")


@scenario("error-fastapi", doc="422 FastAPI validation error: {\"detail\": [{type, loc, "
          "msg, input}]} (vLLM and FastAPI-based servers).")
def s_error_fastapi(ctx):
    ctx.json(422, {"detail": [{"type": "missing", "loc": ["body", "messages"],
                               "msg": "Field required", "input": {"model": ctx.model}}]})


MISTRAL_EXTRA = {"object": "error", "message": {"detail": [
    {"type": "extra_forbidden", "loc": ["body", "stream_options"],
     "msg": "Extra inputs are not permitted", "input": {"include_usage": True}}]},
    "type": "invalid_request_message_error", "param": None, "code": None}


@scenario("mistral-stream-options", doc="Mistral's API: 422 invalid_request_message_error "
          "whose message is an object (extra_forbidden: stream_options) when the request "
          "carries stream_options; without it, ok.", expect=ECHO)
def s_mistral_stream_options(ctx):
    if "stream_options" in ctx.body:
        return ctx.json(422, MISTRAL_EXTRA)
    s_ok(ctx)


@scenario("redirect-https", doc="301 Moved Permanently to the https:// form of the same URL "
          "(a server that only speaks TLS), with a small text/html body.")
def s_redirect_https(ctx):
    host = ctx.h.headers.get("Host", "127.0.0.1")
    body = (b"<html><head><title>301 Moved Permanently</title></head>"
            b"<body><h1>301 Moved Permanently</h1></body></html>\r\n")
    ctx.respond(301, body, "text/html",
                [("Location", "https://%s%s" % (host, ctx.h.path))])


@scenario("loading-model", doc="llama.cpp while it loads the model: attempts 1 to 3 get 503 "
          "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":"
          "\"unavailable_error\"}} (no Retry-After); later attempts: ok.", expect=ECHO)
def s_loading_model(ctx):
    if ctx.attempt <= 3:
        return llama_error(ctx, 503, "Loading model", "unavailable_error")
    s_ok(ctx)


HOSTILE = "\x1b]0;pwned-title\x07\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\u202e"


@scenario("hostile-fields", doc="A normal answer whose other fields attack the terminal: "
          "model and id with OSC 0 / OSC 52 / CSI 2J / U+202E, finish_reason likewise.",
          expect=ECHO)
def s_hostile_fields(ctx):
    events = plan(ctx, echo_text(ctx.prompt))
    for e in events:
        e["model"] = "evil-model" + HOSTILE
        e["id"] = "chatcmpl-" + HOSTILE
        for c in e.get("choices") or []:
            if c.get("finish_reason"):
                c["finish_reason"] = "stop" + HOSTILE
    send_stream(ctx, events)


@scenario("hostile-error", "hostile-error-in-stream", doc="An error whose message and code "
          "attack the terminal (OSC 0, OSC 52, CSI, bidi) and go on for 3 MB: as a 400 "
          "(hostile-error) or inside a 200 stream (hostile-error-in-stream).")
def s_hostile_error(ctx):
    message = "Bad things" + HOSTILE + "\n" + "x" * (3 << 20)
    if ctx.scenario == "hostile-error":
        return ctx.error(400, message, "invalid_request_error", "bad" + HOSTILE)
    obj = {"error": {"message": message, "type": "invalid_request_error",
                     "param": None, "code": "bad" + HOSTILE}}
    send_stream(ctx, [chunk(ctx, {"content": "", "role": "assistant"}), obj], done=False)


@scenario("401-echo-key", doc="401 invalid_api_key whose message repeats the key it was "
          "sent, as some gateways and older OpenAI-compatible servers do.")
def s_401_echo_key(ctx):
    auth = ctx.h.headers.get("Authorization", "")
    key = auth[7:] if auth.startswith("Bearer ") else auth
    ctx.error(401, "Incorrect API key provided: %s. You can find your API key in the "
              "console." % key, "invalid_request_error", "invalid_api_key")


def fail_then_ok(status, times):
    def fn(ctx):
        if ctx.attempt > times:
            return s_ok(ctx)
        if status == 429:
            return err_429(ctx)
        if status >= 500:
            return ctx.error(status, "Upstream error %d." % status, "internal_error",
                             "internal_error")
        ctx.error(status, "Request failed with %d." % status, "invalid_request_error",
                  "request_failed")
    return {"fn": fn, "doc": "generated", "expect": ECHO}


PATTERNS = [
    (re.compile(r"fail-(\d{3})x(\d+)"), lambda m: fail_then_ok(int(m[1]), int(m[2]))),
]
PATTERN_DOCS = ["fail-<STATUS>x<N>: STATUS (e.g. 408, 409, 502, 503) on the first N attempts, "
                "then ok."]

scenario("models-gate", doc="GET /models of models-gate~NAME answers only after POST "
         "/_models-go/NAME (then as ok, at once); chat completions as ok.", expect=ECHO)(s_ok)
scenario("models-401", "models-empty", doc="GET /models answers 401 (models-401) or an "
         "empty list (models-empty); chat completions as ok.", expect=ECHO)(s_ok)

MODEL_ERRORS = {"401": s_401, "models-401": s_401, "403": s_403, "503-always": s_503_always,
                "html-502": s_html_502, "429-always": s_429_always}
MODELS = [("qwen-plus", 1735000000), ("qwen-max", 1735000000), ("qwen3-max", 1758000000),
          ("qwen-flash", 1752000000), ("qwq-32b", 1741000000), ("qwen3-235b-a22b", 1745900000)]


def resolve(name):
    base = name.split("~", 1)[0]
    if base in SCENARIOS:
        return base, SCENARIOS[base]
    for rx, mk in PATTERNS:
        m = rx.fullmatch(base)
        if m:
            return base, mk(m)
    return base, None


# --------------------------------------------------------------------------
# HTTP handler


def log_line(entry):
    """Append one JSON line to --log."""
    entry["time"] = round(time.time(), 3)
    if S.log_fd is not None:
        with S.lock:
            os.write(S.log_fd, json.dumps(entry).encode("utf-8") + b"\n")


class TLSServer(ThreadingHTTPServer):
    """--tls: every connection speaks TLS. The handshake runs in the
    connection's own thread (Handler.setup), so a client that stalls in it
    cannot block the accept loop, and each handshake is logged."""
    ssl_context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ssl_context.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False), addr


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeapi"
    sys_version = ""
    timeout = 300

    def setup(self):
        self.tls_failed = False
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
                log_line({"tls": "handshake", "ok": True, "control": True})
            except (ssl.SSLError, OSError) as e:
                self.tls_failed = True
                log_line({"tls": "handshake", "ok": False, "error": str(e), "control": True})
        super().setup()
        if not self.tls_failed:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        if not self.tls_failed:
            super().handle()

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args):
        if S.verbose:
            sys.stderr.write("fakeapi: %s\n" % (fmt % args))

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_HEAD(self):
        self.dispatch("HEAD")

    # -- body & log ------------------------------------------------------------
    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
                if len(out) > MAX_BODY:
                    raise ValueError("body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    def log_request_line(self, method, path, scenario, raw, body, **extra):
        hdrs = {}
        for k, v in self.headers.items():
            k = k.lower()
            hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
        entry = {"method": method, "path": self.path, "scenario": scenario,
                 "headers": hdrs, "body": body, "time": round(time.time(), 3)}
        entry.update(extra)
        try:
            line = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            line = json.dumps(entry).encode("ascii")
        if S.log_fd is not None:
            with S.lock:
                os.write(S.log_fd, line + b"\n")

    # -- routing ---------------------------------------------------------------
    def dispatch(self, method):
        ctx = None
        try:
            url = urllib.parse.urlsplit(self.path)
            path, query = url.path, urllib.parse.parse_qs(url.query)
            raw = self.read_body()
            body = None
            if raw:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body = raw.decode("utf-8", "replace")
            with S.lock:
                S.seq += 1
                seq = S.seq

            m = re.fullmatch(r"/s/([^/]+)/v1/(chat/completions|models)", path)
            if m or path in ("/v1/chat/completions", "/v1/models"):
                name = urllib.parse.unquote(m[1]) if m else "ok"
                what = m[2] if m else path[4:]
                base, sc = resolve(name)
                attempt = None
                if what == "chat/completions" and method == "POST" and sc is not None:
                    with S.lock:
                        attempt = S.counters.get(name, 0) + 1
                        S.counters[name] = attempt
                self.log_request_line(method, path, name, raw, body, attempt=attempt)
                ctx = Ctx(self, base, name, attempt or 0, raw,
                          body if isinstance(body, dict) else None, seq)
                if sc is None:
                    return ctx.error(404, "fakeapi: unknown scenario %r" % name,
                                     "fakeapi_unknown_scenario", "unknown_scenario")
                if what == "models":
                    if method != "GET":
                        return ctx.error(405, "Method not allowed", "invalid_request_error",
                                         "method_not_allowed")
                    return self.models(ctx, base)
                if method != "POST":
                    return ctx.error(405, "Method not allowed", "invalid_request_error",
                                     "method_not_allowed")
                if base != "echo-json":
                    bad = self.validate(body)
                    if bad:
                        return ctx.error(400, bad, "invalid_request_error",
                                         "invalid_parameter_error")
                return sc["fn"](ctx)

            if path.startswith("/_"):
                self.log_request_line(method, path, None, raw, body, control=True)
                ctx = Ctx(self, "_control", "_control", 0, b"", None, seq)
                if path == "/_health" and method in ("GET", "HEAD"):
                    return ctx.respond(200, b"ok", "text/plain; charset=utf-8")
                if path == "/_reset" and method == "POST":
                    with S.lock:
                        S.counters.clear()
                    return ctx.json(200, {"ok": True})
                if path.startswith("/_models-go/") and method == "POST":
                    MODELS_GO.add(path[len("/_models-go/"):])
                    return ctx.json(200, {"ok": True})
                if path == "/_counters" and method == "GET":
                    with S.lock:
                        return ctx.json(200, dict(S.counters))
                if path == "/_scenarios" and method == "GET":
                    return ctx.json(200, {k: v["doc"] for k, v in SCENARIOS.items()})
                return ctx.error(404, "Not found", "not_found", "not_found", with_ids=False)

            self.log_request_line(method, path, None, raw, body)
            ctx = Ctx(self, "_terms", "_terms", 0, b"", None, seq)
            m = re.fullmatch(r"/(terms|terms-slow|terms-500|terms-redirect)/([^/]+)", path)
            if m and method in ("GET", "HEAD"):
                return self.terms(ctx, m[1], urllib.parse.unquote(m[2]), query)
            return ctx.error(404, "Not found: %s" % path, "not_found", "not_found",
                             with_ids=False)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        except OSError as e:
            if e.errno not in (9, 32, 104):   # EBADF after reset(), EPIPE, ECONNRESET
                raise
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            self.close_connection = True
            if ctx is not None and not ctx.headers_sent:
                try:
                    ctx.error(500, "fakeapi internal error", "fakeapi_error", "fakeapi_error")
                except OSError:
                    pass

    @staticmethod
    def validate(body):
        if not isinstance(body, dict):
            return "The request body is not valid JSON."
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "'messages' must be a non-empty list."
        if body.get("stream") is not True and body.get("enable_thinking") is True:
            return "parameter.enable_thinking must be set to false for non-streaming calls"
        return None

    def models(self, ctx, base):
        if base in MODEL_ERRORS:
            return MODEL_ERRORS[base](ctx)
        if base == "models-null":
            return ollama_models_null(ctx)
        if base == "models-gate":
            tag = ctx.key.split("~", 1)[1] if "~" in ctx.key else ""
            while tag not in MODELS_GO and not STOP.is_set():
                STOP.wait(0.05)
        data = [] if base == "models-empty" else [
            {"id": i, "object": "model", "created": c, "owned_by": "system"} for i, c in MODELS]
        ctx.json(200, {"object": "list", "data": data})

    def terms(self, ctx, kind, name, query):
        if kind == "terms-redirect":
            loc = "/terms/" + urllib.parse.quote(name)
            body = b"Found. Redirecting to " + loc.encode() + b"\n"
            return ctx.respond(302, body, "text/plain", [("Location", loc)])
        if kind == "terms-500":
            return ctx.error(500, "Internal Server Error", "server_error", "server_error",
                             with_ids=False)
        if kind == "terms-slow":
            try:
                delay = float(query.get("delay", ["35"])[0])
            except ValueError:
                delay = 35.0
            ctx.wait(delay)
        fname = None
        if S.terms_dir and name not in (".", "..") and "/" not in name and "\\" not in name \
                and "\0" not in name:
            fname = os.path.join(S.terms_dir, name)
        if fname is None or not os.path.isfile(fname):
            return ctx.error(404, "No such terms file: %s" % name, "not_found", "not_found",
                             with_ids=False)
        with open(fname, "rb") as f:
            data = f.read()
        mtime = int(os.stat(fname).st_mtime)
        etag = '"%s"' % hashlib.sha256(data).hexdigest()
        hdrs = [("ETag", etag), ("Last-Modified", http_date(mtime)),
                ("Cache-Control", "no-cache")]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None:      # RFC 9110: If-None-Match wins over If-Modified-Since
            tags = [t.strip() for t in inm.split(",")]
            fresh = "*" in tags or etag in tags or ("W/" + etag) in tags
        elif ims is not None:
            try:
                fresh = mtime <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                fresh = False
        if fresh:
            return ctx.send_head(304, hdrs, "none")
        if self.command == "HEAD":
            return ctx.send_head(200, [("Content-Type", "text/markdown; charset=utf-8"),
                                       ("Content-Length", str(len(data)))] + hdrs, "length")
        ctx.respond(200, data, "text/markdown; charset=utf-8", hdrs)


# --------------------------------------------------------------------------
# Main


def serve(args):
    global PAUSE
    PAUSE = args.pause
    S.verbose = args.verbose
    S.terms_dir = args.terms_dir
    S.log_fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        TLSServer.ssl_context = ctx
        srv = TLSServer((args.host, 0), Handler)
    else:
        srv = ThreadingHTTPServer((args.host, 0), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]

    def stop(signum, frame):
        STOP.set()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, args.port_file)
    if args.verbose:
        sys.stderr.write("fakeapi: listening on %s:%d\n" % (args.host, port))

    if not STOP.wait(args.max_seconds):
        sys.stderr.write("fakeapi: --max-seconds %g reached, exiting\n" % args.max_seconds)
    STOP.set()
    srv.shutdown()
    srv.server_close()
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake OpenAI-compatible chat API for tests.")
    ap.add_argument("--port-file", help="write the port here (atomically) once listening")
    ap.add_argument("--log", help="append one JSON line per request here")
    ap.add_argument("--terms-dir", help="directory served under /terms/NAME")
    ap.add_argument("--max-seconds", type=float, default=600, help="exit after this long")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--pause", type=float, default=PAUSE,
                    help="seconds to sleep between split writes (default %(default)s)")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                    help="speak HTTPS with this PEM certificate and key")
    ap.add_argument("--expect", metavar="SCENARIO",
                    help="print the answer text a correct client shows, and exit")
    ap.add_argument("--prompt", default="", help="the last user message, for --expect")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = ap.parse_args(argv)

    if args.list:
        width = max(26, max(len(k) for k in SCENARIOS))
        for k, v in SCENARIOS.items():
            print("%-*s %s" % (width, k, v["doc"]))
        for d in PATTERN_DOCS:
            print(d)
        return 0
    if args.expect:
        _, sc = resolve(args.expect)
        if sc is None or sc.get("expect") is None:
            sys.stderr.write("fakeapi: no expected text for %r\n" % args.expect)
            return 2
        sys.stdout.buffer.write(sc["expect"](args.prompt).encode("utf-8"))
        return 0
    if not args.port_file or not args.log:
        ap.error("--port-file and --log are required to serve")
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
