"""A small closed-loop HTTP load generator: N clients, each on its own keep-alive connection, each sending
its next request as soon as the previous answer arrived, for a fixed time. Standard library only (asyncio
streams, HTTP/1.1), so the bench needs nothing installed.

``run_load`` returns the answers counted and their latencies; ``summary`` turns them into requests/s and
percentiles. Latency is measured from the request's first byte written to the answer's last byte read.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, answers of the expected status
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # connection errors and timeouts, by kind

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(self.failures.values()) + sum(n for s, n in self.statuses.items() if s >= 400)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def summary(self) -> dict:
        return {
            "requests_per_s": self.ok / self.seconds if self.seconds else 0.0,
            "ok": self.ok,
            "errors": self.errors,
            "p50_ms": self.percentile(0.50) * 1000,
            "p95_ms": self.percentile(0.95) * 1000,
            "p99_ms": self.percentile(0.99) * 1000,
            "mean_ms": statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan"),
            "statuses": dict(self.statuses),
            "failures": dict(self.failures),
        }


def _request_bytes(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: keep-alive",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one answer; returns its status and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep = False
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep


async def _client(
    host, port, path, make_body: Callable[[], bytes], headers, expected, deadline, result, timeout
):
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            started = time.monotonic()
            writer.write(_request_bytes(host, port, path, make_body(), headers))
            await writer.drain()
            status, keep = await asyncio.wait_for(_read_answer(reader), timeout)
            elapsed = time.monotonic() - started
            result.statuses[status] += 1
            if status == expected:
                result.latencies.append(elapsed)
            if not keep:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            result.failures[type(error).__name__] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _run(host, port, path, make_body, headers, expected, clients, seconds, timeout) -> LoadResult:
    result = LoadResult(seconds=seconds)
    deadline = time.monotonic() + seconds
    start = time.monotonic()
    await asyncio.gather(
        *(
            _client(host, port, path, make_body, headers, expected, deadline, result, timeout)
            for _ in range(clients)
        )
    )
    # answers that arrived after the deadline still count, over the time they took
    result.seconds = time.monotonic() - start
    return result


def run_load(
    host: str,
    port: int,
    path: str,
    *,
    make_body: Callable[[], bytes],
    headers: dict[str, str],
    expected: int,
    clients: int = 50,
    seconds: float = 20.0,
    timeout: float = 30.0,
) -> LoadResult:
    """POST ``make_body()`` to ``path`` from ``clients`` concurrent connections for ``seconds``."""
    return asyncio.run(_run(host, port, path, make_body, headers, expected, clients, seconds, timeout))
