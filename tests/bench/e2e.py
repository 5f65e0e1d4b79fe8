#!/usr/bin/env python3
"""End-to-end benchmark: the release `wa-sync` binary against `fake-services` with latency added
to every request. Not a test: it prints figures (wall time, median of a few runs; requests made;
the ratio to the latency floor; peak RSS) for the README's performance section.

Run it with `make bench` (which builds the release binaries first) or directly:

    python3 tests/bench/e2e.py [--target-dir DIR] [--runs N] [--latency-ms N] [--only NAME...]

The latency floor is what the requests would take if nothing but latency counted, with the
check source at 8 requests in flight and the AWS side at 8: requests x latency / 8.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--target-dir", default=os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")))
    p.add_argument("--profile", default="release", help="the cargo profile directory (release; debug only to try the script)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--latency-ms", type=int, default=20)
    p.add_argument("--only", nargs="*", default=None, help="scenario names to run")
    return p.parse_args()


class Fakes:
    """fake-services with the given flags, until the `with` block ends (stdin closes)."""

    def __init__(self, binary, flags):
        self.proc = subprocess.Popen(
            [binary, "--exit-on-stdin-eof", *flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.ready = json.loads(self.proc.stdout.readline())

    def __enter__(self):
        return self.ready

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)

    def traffic(self):
        with urllib.request.urlopen(self.ready["traffic_url"]) as r:
            return json.load(r)


def run_wa_sync(binary, argv, env):
    """Runs wa-sync; returns (seconds, peak RSS in MiB, exit status, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([binary, *argv], env=env, stdout=out, stderr=err)
        # wait4 gives this child's own peak RSS.
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return elapsed, usage.ru_maxrss / 1024, proc.returncode, out.read(), err.read()


def base_env(ready, home):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "AWS_ACCESS_KEY_ID": ready["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": "bench-secret-not-checked",
        "AWS_REGION": ready["region"],
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, "none"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
        "AWS_ENDPOINT_URL_WELLARCHITECTED": ready["wellarchitected_url"],
        "AWS_ENDPOINT_URL_STS": ready["sts_url"],
    }
    return env


def conformity_env(ready, home):
    env = base_env(ready, home)
    env.update(CONFORMITY_API_URL=ready["conformity_url"], CONFORMITY_API_KEY=ready["api_key"])
    return env


def visionone_env(ready, home):
    env = base_env(ready, home)
    env.update(VISIONONE_API_URL=ready["visionone_url"], VISIONONE_API_KEY=ready["visionone_api_key"])
    return env


def scenarios(latency):
    lat = ["--latency-ms", str(latency)]

    def conformity_sync(ready, home):
        argv = ["sync", "--account-id", ready["account_id"], "--workload-arn", ready["workload_arn"],
                "--role-arn", ready["role_arn"], "--backup-dir", os.path.join(home, "b"), "--json"]
        return argv, conformity_env(ready, home)

    def visionone_preview(ready, home):
        argv = ["preview", "--source", "vision-one", "--account-id", ready["visionone_account_id"], "--json"]
        return argv, visionone_env(ready, home)

    def visionone_sync(ready, home):
        argv = ["sync", "--source", "vision-one", "--account-id", ready["visionone_account_id"],
                "--workload-arn", ready["workload_arn"], "--role-arn", ready["visionone_role_arn"],
                "--external-id", ready["visionone_external_id"],
                "--backup-dir", os.path.join(home, "b"), "--json"]
        return argv, visionone_env(ready, home)

    def conformity_preview(ready, home):
        argv = ["preview", "--account-id", ready["account_id"], "--json"]
        return argv, conformity_env(ready, home)

    def plan_sync(ready, home):
        # 5 targets over 3 accounts (two Conformity, one Vision One) and 2 sources: one target
        # spans both Conformity accounts, two share Vision One's account; each account fetched once.
        c1, c2 = ready["plan_conformity_account_ids"]
        v1 = ready["visionone_account_id"]
        arns = ready["plan_workload_arns"]
        targets = [
            ("shop", "conformity", [c1]),
            ("shop-and-eu", "conformity", [c1, c2]),
            ("shop-eu", "conformity", [c2]),
            ("v1-shop", "vision-one", [v1]),
            ("v1-shop-again", "vision-one", [v1]),
        ]
        plan = os.path.join(home, "plan.toml")
        with open(plan, "w") as f:
            for (name, source, accounts), arn in zip(targets, arns):
                ids = ", ".join(f'"{a}"' for a in accounts)
                f.write(f'[[target]]\nname = "{name}"\nsource = "{source}"\naccount_ids = [{ids}]\n'
                        f'workload_arn = "{arn}"\n\n')
        argv = ["sync", "--plan", plan, "--backup-dir", os.path.join(home, "b"), "--json"]
        env = conformity_env(ready, home)
        env.update(VISIONONE_API_URL=ready["visionone_url"], VISIONONE_API_KEY=ready["visionone_api_key"])
        return argv, env

    def pinned_preview(ready, home):
        argv = ["preview", "--account-id", ready["account_id"], "--conformity-rps", "2", "--json"]
        return argv, conformity_env(ready, home)

    return [
        # name, fake-services flags, command, checks (for checks/s), runs override, rate for the floor
        ("a-conformity-sync-25k-role", lat + ["--conformity-checks", "25000"], conformity_sync, 25000, None, None),
        ("b-visionone-preview-25k", lat + ["--visionone-checks", "25000"], visionone_preview, 25000, None, None),
        ("b-visionone-sync-25k-role", lat + ["--visionone-checks", "25000"], visionone_sync, 25000, None, None),
        ("c-57-questions-20pct-throttled", lat + ["--wa-throttle-percent", "20"], conformity_sync, 300, None, None),
        ("d-conformity-preview-100k", lat + ["--conformity-checks", "100000"], conformity_preview, 100000, None, None),
        ("d-conformity-preview-1m", lat + ["--conformity-checks", "1000000"], conformity_preview, 1000000, 1, None),
        ("e-visionone-preview-25k-429-above-25rps",
         lat + ["--visionone-checks", "25000", "--visionone-max-rps", "25"], visionone_preview, 25000, None, 25),
        ("f-conformity-pinned-2rps", lat + ["--conformity-checks", "3000"], pinned_preview, 3000, 1, 2),
        # 2 x 10,000 Conformity checks + 10,000 Vision One checks, each fetched once. The floor
        # assumes 8 AWS calls in flight; the plan's targets each keep their own window, so its
        # ratio can be below 1 (1.80 s, 884 requests, ratio 0.81 at 20 ms, release, 2 cores).
        ("g-plan-5-targets-3-accounts-2-sources",
         lat + ["--plan-fixture", "--conformity-checks", "10000", "--visionone-checks", "10000"],
         plan_sync, 30000, None, None),
    ]


def main():
    opts = args()
    release = os.path.join(opts.target_dir, opts.profile)
    wa_sync = os.path.join(release, "wa-sync")
    fakes_bin = os.path.join(release, "fake-services")
    for b in (wa_sync, fakes_bin):
        if not os.path.exists(b):
            sys.exit(f"{b} is missing: build it with `cargo build --release -p wa-sync-cli -p wa-sync-fakes`")
    latency = opts.latency_ms / 1000
    print(f"wa-sync end-to-end benchmark ({opts.profile}): {opts.latency_ms} ms per request, median of {opts.runs} runs")
    print(f"{'scenario':44} {'wall s':>7} {'requests':>9} {'floor s':>8} {'ratio':>6} {'checks/s':>9} {'RSS MiB':>8}  notes")
    for name, flags, command, checks, runs, rate in scenarios(opts.latency_ms):
        if opts.only and not any(o in name for o in opts.only):
            continue
        times, rss, notes, requests = [], [], "", 0
        for _ in range(runs or opts.runs):
            fakes = Fakes(fakes_bin, flags)
            with fakes as ready, tempfile.TemporaryDirectory() as home:
                argv, env = command(ready, home)
                elapsed, peak, code, out, err = run_wa_sync(wa_sync, argv, env)
                if code not in (0,):
                    print(f"{name}: wa-sync exited {code}: {err.decode(errors='replace').strip()[:400]}")
                traffic = fakes.traffic()
            times.append(elapsed)
            rss.append(peak)
            source = traffic["conformity"]["requests"] + traffic["visionone"]["requests"]
            requests = source + traffic["wellarchitected_requests"]
            throttled = traffic["conformity"]["throttled"] + traffic["visionone"]["throttled"]
            most = max(traffic["conformity"]["max_per_second"], traffic["visionone"]["max_per_second"])
            notes = f"source {source} (429s {throttled}, most in 1 s {most}), WA {traffic['wellarchitected_requests']}"
        wall = statistics.median(times)
        if rate:
            floor = source / rate
            notes += f"; floor = source requests / {rate} per s"
        else:
            floor = requests * latency / 8
        print(f"{name:44} {wall:7.2f} {requests:9d} {floor:8.2f} {wall / floor:6.2f} "
              f"{checks / wall:9.0f} {max(rss):8.1f}  {notes}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
