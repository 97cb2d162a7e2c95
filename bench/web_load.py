"""The web interface under load: 20 signed-in assessors working the inbox and plan pages, against
a static file from the same server, on loopback, in the same run.

The server is ``beoordeling serve`` in a process of its own (one uvicorn worker, as deployed), on
a practice store with ``--plans`` plans of which half have a running clock. Each user is a thread
with its own connection and session. Rounds alternate: every user fetches the static style sheet
``--requests`` times, then every user fetches its inbox and a plan page in turn as often; the
latencies of each kind are pooled over ``--rounds`` rounds. The figure that matters is the ratio
of the 95th percentiles (goal: the pages' at most 5 times the static file's).

    python bench/web_load.py [--users 20] [--plans 100] [--rounds 4] [--requests 10]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx

from beoordeling import Actor, Role, Store, load_plan
from beoordeling.accounts import Accounts
from beoordeling.desk import Desk

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-wachtwoord-1"  # noqa: S105 - the bench store's accounts
SUBMITTER = Actor("Bench", "Ziekenhuis Noordwest", Role.SUBMITTER)
MAX_USERS, MAX_REQUESTS, MAX_SECONDS = 50, 200, 600.0


def _store(folder: Path, plans: int, users: int) -> tuple[str, list[str]]:
    base = load_plan(ROOT / "examples" / "thuismonitoring-ziekenhuizen.yaml")
    ids = [f"TP-W-{i:04d}" for i in range(plans)]
    url = str(folder / "web.db")
    moment = datetime(2024, 3, 4, 11, tzinfo=UTC)
    with Store.open(url, create=True, clock=lambda: moment) as store:
        store.initialise(Actor("Bench", "beoordeling", Role.SYSTEM), practice=True)
        store.save_plans([base.model_copy(update={"id": i}) for i in ids], SUBMITTER)
        desk = Desk(store)
        for plan_id in ids[::2]:
            desk.submit(plan_id, SUBMITTER)  # a clock runs: the inbox has deadlines to sort
    with Accounts(url) as accounts:
        for n in range(users):
            accounts.add(f"vgz{n}", f"Beoordelaar {n}", "Coöperatie VGZ", [Role.MARKET_LEADER], password=PASSWORD)
    return url, ids


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BEOORDELING_SECRET_KEY": "bench"}
    command = [sys.executable, "-m", "beoordeling", "--store", url, "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/inloggen").text)
    assert token
    answer = client.post("/inloggen", data={"csrf_token": token.group(1), "gebruikersnaam": username,
                                            "wachtwoord": PASSWORD})  # fmt: skip
    assert answer.status_code == 303, answer.status_code
    return client


def _round(clients: list[httpx.Client], paths: list[list[str]]) -> list[float]:
    """Every client fetches its paths at once, each in its own thread; the latencies, in seconds."""
    latencies: list[float] = []
    lock = threading.Lock()

    def work(client: httpx.Client, mine: list[str]) -> None:
        found = []
        for path in mine:
            start = time.perf_counter()
            response = client.get(path)
            found.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        with lock:
            latencies.extend(found)

    threads = [threading.Thread(target=work, args=(c, p)) for c, p in zip(clients, paths, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(MAX_SECONDS)
    return latencies


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=10, help="Requests per user per round.")
    args = parser.parse_args()
    users = min(args.users, MAX_USERS)
    requests = min(args.requests, MAX_REQUESTS)
    with tempfile.TemporaryDirectory() as folder:
        url, ids = _store(Path(folder), args.plans, users)
        port = _free_port()
        server = _serve(url, port)
        try:
            base = f"http://127.0.0.1:{port}"
            clients = [_signed_in(base, f"vgz{n}") for n in range(users)]
            static = [["/static/style.css"] * requests for _ in clients]
            pages = [[("/" if i % 2 == 0 else f"/plannen/{ids[(n + i) % len(ids)]}") for i in range(requests)]
                     for n, _client in enumerate(clients)]  # fmt: skip
            _round(clients, static)  # warm-up of both
            _round(clients, pages)
            static_times: list[float] = []
            page_times: list[float] = []
            started = time.monotonic()
            for _ in range(args.rounds):
                static_times += _round(clients, static)
                page_times += _round(clients, pages)
                if time.monotonic() - started > MAX_SECONDS:
                    break
            for client in clients:
                client.close()
        finally:
            server.terminate()
            server.wait(10)
    s50, s95 = _p(static_times, 50), _p(static_times, 95)
    p50, p95 = _p(page_times, 50), _p(page_times, 95)
    print(f"{users} users, {args.plans} plans, {len(page_times)} page and {len(static_times)} static requests")
    print(f"static file: p50 {s50 * 1000:.1f} ms, p95 {s95 * 1000:.1f} ms")
    print(f"inbox and plan pages: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"ratio p95 {p95 / s95:.2f} (goal at most 5), p50 {p50 / s50:.2f}")


if __name__ == "__main__":
    main()
