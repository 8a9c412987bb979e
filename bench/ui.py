#!/usr/bin/env python3
"""UI benchmarks for confab, run in tmux against the fake server.

    python3 bench/ui.py [BUILD_DIR]

1. CPU the full-screen UI spends receiving and rendering a streamed 1 MiB
   answer: the process's user+system time (from /proc) for the 'big'
   scenario minus the same session with a one-line answer.
2. Key-press latency with a 10,000-message conversation loaded (confab -c):
   the time from `tmux send-keys` to the typed character being on the screen,
   polled with capture-pane (so it includes tmux's own round trips).
"""
import os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build")
confab = os.path.join(build, "confab")
tmp = tempfile.mkdtemp()
env = dict(os.environ, XDG_CONFIG_HOME=tmp + "/c", XDG_DATA_HOME=tmp + "/d",
           XDG_STATE_HOME=tmp + "/s", HOME=tmp, CONFAB_DATADIR=top + "/assets",
           LC_ALL="C.UTF-8", TERM="xterm-256color")
env.pop("DASHSCOPE_API_KEY", None)
server = subprocess.Popen([sys.executable, top + "/tests/server/fakeapi.py", "--port-file",
                           tmp + "/port", "--log", "/dev/null", "--pause", "0",
                           "--max-seconds", "600"])
while not os.path.exists(tmp + "/port"):
    time.sleep(0.05)
base = "http://127.0.0.1:%s" % open(tmp + "/port").read().strip()
sha = subprocess.run([confab, "terms", "status", "--json"], env=env, capture_output=True,
                     text=True).stdout
import json
sha = json.loads(sha)["current"]["sha256"]
subprocess.run([confab, "terms", "accept", "--sha256", sha, "--adult", "-q"], env=env,
               check=True)


SOCKET = ["bench0"]


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCKET[0], *args], capture_output=True,
                          text=True).stdout


def screen():
    return tmux("capture-pane", "-p")


def wait_for(text, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if text in screen():
            return True
        time.sleep(0.01)
    raise SystemExit("timed out waiting for %r:\n%s" % (text, screen()))


def start(args):
    tmux("kill-server")
    SOCKET[0] = "bench%d" % (int(SOCKET[0][5:]) + 1)	# a fresh server each time
    envs = " ".join("%s=%s" % (k, env[k]) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                    "XDG_STATE_HOME", "HOME", "CONFAB_DATADIR", "LC_ALL", "TERM"))
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24",
         "env %s %s %s; sleep 600" % (envs, confab, args))
    wait_for("Enter send")
    pane = tmux("display", "-p", "#{pane_pid}").strip()
    pid = subprocess.run(["pgrep", "-P", pane, "-x", "confab"], capture_output=True,
                         text=True).stdout.split()[0]
    return int(pid)


def cpu_ms(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def wait_done(timeout=120):
    """Until the answer is complete: tokens counted, the idle hint back."""
    end = time.time() + timeout
    while time.time() < end:
        s = screen()
        if "| 0 tokens" not in s and "Alt-Enter newline" in s:
            return
        time.sleep(0.01)
    raise SystemExit("timed out:\n" + screen())


def answer_cpu(scenario):
    pid = start("--no-log --base-url %s/s/%s/v1" % (base, scenario))
    before = cpu_ms(pid)
    tmux("send-keys", "go", "Enter")
    wait_done()
    used = cpu_ms(pid) - before
    tmux("kill-server")
    return used


print("## CPU for a streamed answer in the full-screen UI (ms of user+system)")
small = [answer_cpu("ok") for _ in range(3)]
big = [answer_cpu("big") for _ in range(3)]
print("one-line answer: %s" % small)
print("1 MiB answer:    %s" % big)
print("1 MiB rendering cost: %.0f ms (median difference)" %
      (statistics.median(big) - statistics.median(small)))

print("## key-press latency with 10,000 messages loaded (confab -c)")
db = sqlite3.connect(tmp + "/d/confab/confab.db")
cur = db.execute("INSERT INTO conversations (started, updated, title, model) VALUES "
                 "('2026-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z', 'big', 'qwen-plus')")
conv = cur.lastrowid
rows = []
for i in range(5000):
    rows.append((conv, "user", "Question %d: what about **item %d**?" % (i, i)))
    rows.append((conv, "assistant", "Answer %d.\n\n- point one\n- point two with `code`\n\n"
                 "A paragraph long enough to wrap across the width of an eighty column "
                 "terminal, twice over, to be realistic." % i))
db.executemany("INSERT INTO messages (conversation_id, role, content, created, status) "
               "VALUES (?, ?, ?, '2026-01-01T00:00:00.000Z', 'complete')", rows)
db.commit()
t0 = time.time()
pid = start("-c --base-url %s/v1" % base)
print("start-up with -c to a drawn screen: %.0f ms" % ((time.time() - t0) * 1000))
lat = []
for i in range(30):
    ch = "abcdefghijklmnopqrstuvwxyz"[i % 26]
    t = time.time()
    tmux("send-keys", ch)
    while True:
        line = [l for l in screen().splitlines() if l.startswith("> ")]
        if line and line[-1].endswith(ch):
            break
    lat.append((time.time() - t) * 1000)
print("key to screen: median %.1f ms, max %.1f ms over %d keys" %
      (statistics.median(lat), max(lat), len(lat)))
first = screen()
t = time.time()
tmux("send-keys", "PPage")
while screen() == first and time.time() - t < 5:
    pass
print("PgUp to screen: %.1f ms" % ((time.time() - t) * 1000))
tmux("kill-server")
server.terminate()
shutil.rmtree(tmp)
