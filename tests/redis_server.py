"""A real Redis server (Debian's redis-server) for the tests that need a cache server or a task broker.

It listens on a unix socket in a temporary folder only (no port to clash with anything), keeps nothing on
disk, and is stopped when the test module is done. .ci/run installs the package; without it these tests
fail, saying so, rather than skip."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path


@contextlib.contextmanager
def redis_server(folder: Path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise AssertionError("redis-server not found: install Debian's redis-server, as .ci/run does")
    sock = folder / "redis.sock"
    server = subprocess.Popen(
        [
            binary,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(sock):
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redis-server did not start: {server.stdout.read()[-2000:]!r}")
            time.sleep(0.05)
        yield f"unix://{sock}?db=0"
    finally:
        server.terminate()
        server.wait(timeout=20)


def _answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    with socket.socket(socket.AF_UNIX) as client:
        try:
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False
