"""The data folder and secrets created on first run (kept outside settings so they are testable)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    configured = os.environ.get("ANJU_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "anju"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # personal data and keys: owner-only
    return path.resolve()


def secret_from_file(path: Path, kind: str) -> str:
    """Read a secret from ``path``, creating it (mode 0600) on first run."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    if kind == "fernet":
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    else:
        value = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value
