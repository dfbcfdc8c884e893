"""Hostile request bodies against the app in a subprocess: 4 parallel anonymous 250 MiB bodies (Content-Length and
chunked) to POST /api/auth/login and to a photo upload, and a planner's 2-million-point POST /api/lookup; the
server's peak RSS over idle for each.  Target: every one refused quickly, RSS never more than 300 MB over idle.

Run: .venv/bin/python bench/hostile_bodies.py   (a migrated scratch database in the private cluster var/pgbench)
The client below is also what tests/api/test_limits.py sends.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson

MIB = 1 << 20
HOSTILE_SIZE = 250 * MIB
PARALLEL = 4
BOUNDARY = "hostile"
MULTIPART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.jpg"\r\n'
    "Content-Type: image/jpeg\r\n\r\n"
).encode()
TARGET_MB = 300


@dataclass(frozen=True)
class Answer:
    """What the server answered, how much of the body it let the client send first, and how long it took."""

    status: int | None  # None: the connection closed without an answer
    sent: int
    seconds: float
    body: bytes


def hostile_post(
    base: str,
    path: str,
    *,
    size: int = HOSTILE_SIZE,
    chunked: bool = False,
    multipart: bool = False,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Answer:
    """POST a body of `size` bytes, made as it is sent (never held in memory), with a Content-Length or chunked;
    stop sending as soon as an answer arrives, as a client that reads while it writes would."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
    content_type = f"multipart/form-data; boundary={BOUNDARY}" if multipart else "application/json"
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Type: {content_type}"]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    start = time.perf_counter()
    answer, answered = bytearray(), threading.Event()

    def read() -> None:
        try:
            while data := sock.recv(65536):
                answer.extend(data)
                if b"\r\n\r\n" in answer:
                    answered.set()
        except OSError:
            pass
        finally:
            answered.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    sent = 0
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = MULTIPART_HEAD if multipart else b'{"username": "'
        filler = b"x" * (256 * 1024)
        while sent < size and not answered.is_set():
            piece = (head if sent == 0 else filler)[: size - sent]
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked and not answered.is_set():
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection: it stopped reading
    answered.wait(timeout)
    seconds = time.perf_counter() - start
    time.sleep(0.05)  # the rest of a short answer
    sock.close()
    reader.join(5)
    status = None
    if answer.startswith(b"HTTP/1.1 "):
        status = int(answer[9:12])
    return Answer(status, sent, seconds, bytes(answer.partition(b"\r\n\r\n")[2]))


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024
    return fields


def reset_peak(pid: int) -> None:
    """Start VmHWM again from the current RSS (Linux: 5 > /proc/<pid>/clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def points_body(count: int) -> bytes:
    """A siting-check JSON body of `count` points around Weihai, 6 decimals like a GPS export."""
    rng = random.Random(20261203)
    points = [[round(rng.uniform(121.45, 122.7), 6), round(rng.uniform(36.75, 37.55), 6)] for _ in range(count)]
    return orjson.dumps({"points": points})


def attack(base: str, path: str, *, chunked: bool, multipart: bool, headers: dict | None = None) -> list[Answer]:
    """PARALLEL hostile bodies at once."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = [
            pool.submit(hostile_post, base, path, chunked=chunked, multipart=multipart, headers=headers)
            for _ in range(PARALLEL)
        ]
        return [f.result() for f in futures]


def measure(pid: int, run) -> tuple[int, object]:
    """The process's peak RSS over its idle RSS while run() runs, in bytes, and what run() returned."""
    reset_peak(pid)
    idle = memory(pid)["VmRSS"]
    result = run()
    return memory(pid)["VmHWM"] - idle, result


def lookup_points(base: str, auth: dict[str, str], body: bytes) -> httpx.Response:
    """POST /api/lookup with a JSON body."""
    return httpx.post(
        f"{base}/api/lookup", content=body, headers={**auth, "Content-Type": "application/json"}, timeout=300
    )


def main() -> None:
    """Print the server's peak RSS over idle for each hostile request."""
    from _common import app_server, bench_cluster, scratch_url, token_headers  # bench/ is on the path as a script

    with bench_cluster() as cluster:
        url = scratch_url(cluster, "warroom_bench_hostile")
        auth = token_headers(url)
        body = points_body(2_000_000)
        with app_server(url) as (server, base):
            lookup_points(base, auth, points_body(10)).raise_for_status()  # warm up
            hostile_post(base, "/api/auth/login", size=1000)
            print(f"server pid {server.pid}, idle RSS {memory(server.pid)['VmRSS'] / MIB:.0f} MiB")
            for path, multipart in (("/api/auth/login", False), ("/api/projects/1/photos", True)):
                for chunked in (False, True):
                    grew, answers = measure(
                        server.pid, lambda p=path, c=chunked, m=multipart: attack(base, p, chunked=c, multipart=m)
                    )
                    framing = "chunked" if chunked else "Content-Length"
                    print(
                        f"  {PARALLEL} x 250 MiB anonymous POST {path} ({framing}): "
                        f"statuses {sorted({a.status for a in answers})}, "
                        f"slowest {max(a.seconds for a in answers):.2f} s, "
                        f"most sent {max(a.sent for a in answers) / MIB:.1f} MiB, "
                        f"peak RSS +{grew / MIB:.0f} MiB (target < {TARGET_MB} MB)"
                    )
            start = time.perf_counter()
            grew, r = measure(server.pid, lambda: lookup_points(base, auth, body))
            print(
                f"  2,000,000-point POST /api/lookup ({len(body) / MIB:.0f} MiB): {r.status_code} in "
                f"{time.perf_counter() - start:.2f} s, peak RSS +{grew / MIB:.0f} MiB (target < {TARGET_MB} MB)"
            )


if __name__ == "__main__":
    main()
