#!/usr/bin/env python3
"""What recording an answer costs: CPU (user + system, from the child's
rusage) and bytes written to storage (ru_oublock * 512, what the kernel
accounts as the process's write_bytes) for one answer, recorded in the
store vs --no-log vs `curl -sN` posting the same request, against
tests/server/fakeapi.py --pause 0 on loopback. Medians of --runs runs.

  python3 bench/record.py [--runs N] [--scenario big4m] CONFAB [OTHER_CONFAB...]

Each confab gets its own store (an older one may refuse a newer schema).
Timing belongs here, never in the test suite.
"""
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("%s: exit %d: %s" % (cmd[0], r.returncode, r.stderr.decode()[-300:]))
    return {"cpu": (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000,
            "user": (after.ru_utime - before.ru_utime) * 1000,
            "sys": (after.ru_stime - before.ru_stime) * 1000,
            "wall": wall * 1000,
            "written": (after.ru_oublock - before.ru_oublock) * 512}


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--scenario", default="big4m")
    ap.add_argument("confab", nargs="+")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    port = os.path.join(tmp, "port")
    server = subprocess.Popen([sys.executable, os.path.join(TOP, "tests/server/fakeapi.py"),
                               "--port-file", port, "--log", "/dev/null", "--pause", "0",
                               "--max-seconds", "1800"])
    try:
        while not os.path.exists(port) or os.path.getsize(port) == 0:
            time.sleep(0.05)
        base = "http://127.0.0.1:%s" % open(port).read().strip()
        url = "%s/s/%s/v1" % (base, a.scenario)
        body = json.dumps({"model": "qwen-plus", "messages": [{"role": "user", "content": "hi"}],
                           "stream": True, "stream_options": {"include_usage": True}})
        cmds = [("curl -sN", ["curl", "-sN", "-H", "Content-Type: application/json", "-d", body,
                              url + "/chat/completions"], dict(os.environ))]
        for i, c in enumerate(a.confab):
            env = dict(os.environ, XDG_CONFIG_HOME="%s/c%d" % (tmp, i),
                       XDG_DATA_HOME="%s/d%d" % (tmp, i), XDG_STATE_HOME="%s/s%d" % (tmp, i),
                       CONFAB_DATADIR=os.path.join(TOP, "assets"), LC_ALL="C.UTF-8")
            env.pop("DASHSCOPE_API_KEY", None)
            st = json.loads(subprocess.run([c, "terms", "status", "--json"], env=env,
                                           capture_output=True).stdout)
            subprocess.run([c, "terms", "accept", "--sha256", st["current"]["sha256"], "--adult",
                            "-q"], env=env, check=True)
            name = c if len(a.confab) > 1 else "confab"
            cmds.append(("%s --no-log" % name, [c, "--no-log", "--base-url", url, "hi"], env))
            cmds.append(("%s (recorded)" % name, [c, "--base-url", url, "hi"], env))
        res = {n: [] for n, _, _ in cmds}
        for _ in range(a.runs):       # interleaved, so load on the machine hits all alike
            for n, cmd, env in cmds:
                res[n].append(run(cmd, env))
        print("| command | CPU ms (user + sys) | user | sys | wall ms | bytes written |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for n, _, _ in cmds:
            r = res[n]
            print("| `%s` | %.0f | %.0f | %.0f | %.0f | %s |" % (
                n, median([x["cpu"] for x in r]), median([x["user"] for x in r]),
                median([x["sys"] for x in r]), median([x["wall"] for x in r]),
                "{:,}".format(median([x["written"] for x in r]))))
        print("\nmedians of %d runs, scenario %s, %s, %s, %d cores" % (
            a.runs, a.scenario, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            os.uname().machine, os.cpu_count()))
    finally:
        server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


main()
