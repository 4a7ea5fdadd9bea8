"""Concurrent students against the web chat: latency, throughput and errors of `/ask`.

    .venv/bin/python bench/load.py [--users 40] [--questions 5] [--url URL]
        [--data-dir DIR] [--concurrency 32 ...] [--client gradio|http]

Without --url, starts ``archive-qa serve`` on 127.0.0.1 on a free port over an indexed data
dir (default: the largest of data/bench/index-{10k,1k}/data from bench/index.py), once per
``--concurrency`` value, passed as Gradio's own ``GRADIO_DEFAULT_CONCURRENCY_LIMIT``
environment variable, which overrides ui/web.py's CONCURRENCY (32). Each simulated student
is a thread that asks its questions one after another through api_name "/ask" (question,
history, date_from, date_to), with its own ``gradio_client.Client`` or, with ``--client
http``, as plain REST calls (lighter on the cores the clients share with the server). All
students start together, with no think time; every question is a different one (200 for
40 x 5), so no answer is asked for twice. Prints p50 / p95 / max latency per question,
throughput, errors, the server's CPU time per question and its peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from _common import BENCH_DATA, ROOT, load_note, machine, median, percentile, setup
from query import questions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, concurrency: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, GRADIO_DEFAULT_CONCURRENCY_LIMIT=concurrency)
    cmd = [str(ROOT / ".venv/bin/archive-qa"), "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--data-dir", str(data)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            sys.exit(f"server exited: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    sys.exit("server did not answer within 300 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by process ``pid`` (and its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ask_http(url: str, question: str) -> list[Any]:
    """One question through Gradio's plain HTTP API (POST, then read the event stream)."""
    body = json.dumps({"data": [question, [], "", ""]}).encode()
    post = urllib.request.Request(
        url + "gradio_api/call/ask", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(post, timeout=120) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event}", timeout=120) as r:
        stream = r.read().decode("utf-8")
    kind, data = "", ""
    for line in stream.splitlines():
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = line.split(":", 1)[1].strip()
    if kind != "complete":
        raise ValueError(f"event {kind!r}: {data[:120]}")
    return list(json.loads(data))


def student(
    url: str, qs: list[str], start: threading.Barrier, out: dict[str, Any], client_kind: str
) -> None:
    ask: Any
    if client_kind == "http":
        start.wait()
        ask = lambda q: ask_http(url, q)  # noqa: E731
    else:
        from gradio_client import Client

        try:
            client = Client(url, verbose=False)
        except Exception as exc:
            out["errors"].append(f"connect: {type(exc).__name__}: {exc}"[:200])
            start.wait()
            return
        start.wait()
        ask = lambda q: client.predict(q, [], "", "", api_name="/ask")  # noqa: E731
    for q in qs:
        t0 = time.perf_counter()
        try:
            reply = ask(q)  # chat, cards, box[, state], question link
            history, link = reply[0], reply[-1]
            if len(history) != 2 or not link:
                raise ValueError(f"unexpected reply: {str(history)[:120]}")
            out["latency"].append(time.perf_counter() - t0)
        except Exception as exc:
            out["errors"].append(f"{type(exc).__name__}: {exc}"[:200])


def run(url: str, users: int, per_user: int, client_kind: str = "gradio") -> dict[str, Any]:
    qs = questions(users * per_user)  # all distinct: no answer is asked for twice
    out: dict[str, Any] = {"latency": [], "errors": []}
    start = threading.Barrier(users + 1)
    threads = [
        threading.Thread(
            target=student,
            args=(
                url,
                qs[u * per_user : (u + 1) * per_user],
                start,
                out,
                client_kind,
            ),
        )
        for u in range(users)
    ]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    out["wall"] = time.perf_counter() - t0
    return out


def report(name: str, res: dict[str, Any], rss: float | None, cpu: float | None) -> str:
    lat = res["latency"] or [float("nan")]
    done = len(res["latency"])
    per_q = "-" if cpu is None or not done else f"{1000 * cpu / done:.0f}"
    return (
        f"| {name} | {done} | {len(res['errors'])} | {median(lat):.2f} | "
        f"{percentile(lat, 0.95):.2f} | {max(lat):.2f} | {done / res['wall']:.1f} | "
        f"{res['wall']:.1f} | {per_q} | {'-' if rss is None else f'{rss:.0f}'} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description="N concurrent students asking the web chat; p50/p95 latency, errors.",
        epilog="Targets: 0 errors, p95 <= 3 s with 40 students x 5 questions.",
    )
    ap.add_argument("--users", type=int, default=40, help="concurrent students (default 40)")
    ap.add_argument("--questions", type=int, default=5, help="questions per student (default 5)")
    ap.add_argument("--url", help="use this running server instead of starting one")
    ap.add_argument("--data-dir", type=Path, help="indexed data dir for the started server")
    ap.add_argument(
        "--concurrency",
        nargs="+",
        default=["32"],
        help="GRADIO_DEFAULT_CONCURRENCY_LIMIT values to compare (default: 32, the app's own)",
    )
    ap.add_argument(
        "--client",
        choices=["gradio", "http"],
        default="gradio",
        help="each student: a gradio_client.Client, or plain HTTP calls to Gradio's REST API "
        "(lighter: the clients share this machine's cores with the server)",
    )
    args = ap.parse_args()
    setup()
    print(machine())
    head = "| server | answered | errors | p50 s | p95 s | max s | questions/s | wall s |"
    head += " server CPU ms/question |"
    rows = []
    if args.url:
        res = run(args.url, args.users, args.questions, args.client)
        rows.append(report(args.url, res, None, None))
    else:
        data = args.data_dir or next(
            (d for k in ("10k", "1k") if (d := BENCH_DATA / f"index-{k}" / "data").exists()), None
        )
        if data is None:
            sys.exit("error: no index: run bench/index.py first or pass --data-dir")
        print(f"server over {data}")
        for limit in args.concurrency:
            proc, url = start_server(data, limit)
            try:
                cpu0 = cpu_seconds(proc.pid)
                res = run(url, args.users, args.questions, args.client)
                cpu = cpu_seconds(proc.pid) - cpu0
                rss = peak_rss_mb(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            rows.append(report(f"concurrency_limit={limit}, {args.client}", res, rss, cpu))
            for e in sorted(set(res["errors"]))[:5]:
                print(f"  error ({res['errors'].count(e)}x): {e}", file=sys.stderr)
            print(rows[-1], file=sys.stderr, flush=True)
    print(f"{args.users} students x {args.questions} questions, started together")
    print(head + " server peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    print(load_note())


if __name__ == "__main__":
    main()
