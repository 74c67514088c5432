"""Personal data at rest: Fernet-encrypted model fields and masking for display.

Every value carries the id of the key that encrypted it: ``enc2:<key id>:<Fernet token>``, where the key id
is the first 8 hex digits of SHA-256 of the key's 32 bytes. Values are written with the newest key and read
with the key their id names, so ``anju keys rotate`` can tell what is left under an old key. Values from
before key ids (``enc1:<token>``) are still read, with every configured key in turn.

Keys come from ``settings.ANJU_FIELD_KEYS`` (the ANJU_FIELD_KEY variable, newest first) or else from the key
file ``settings.ANJU_FIELD_KEY_FILE`` (one key a line, newest first), which is re-read when it changes so
that a running server picks up a key added by rotation. anju creates the key file only while the database
holds no encrypted value (``core/fieldkeys.py``); a missing key is an error that names the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from anju.text.mask import mask as mask_personal_text

PREFIX = "enc2:"
LEGACY_PREFIX = "enc1:"
ENV_SOURCE = "ANJU_FIELD_KEY"


class FieldKeyError(ValueError):
    """A field key is missing, malformed, or does not open a stored value."""


def key_id(key: str) -> str:
    """The short fingerprint stored with every value a key encrypts."""
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise FieldKeyError("字段加密密钥格式不对（应为 Fernet 密钥）") from exc
    if len(raw) != 32:
        raise FieldKeyError("字段加密密钥格式不对（应为 32 字节的 Fernet 密钥）")
    return hashlib.sha256(raw).hexdigest()[:8]


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


@dataclass(frozen=True)
class Keyring:
    keys: tuple[str, ...]  # newest first
    source: str  # ENV_SOURCE or the key file's path
    fernets: dict[str, Fernet] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, keys, source: str) -> Keyring:
        keys = tuple(keys)
        if not keys:
            raise FieldKeyError(f"{source} 中没有字段加密密钥")
        return cls(keys, source, {key_id(k): Fernet(k.encode("ascii")) for k in reversed(keys)})

    @property
    def ids(self) -> list[str]:
        return [key_id(k) for k in self.keys]

    @property
    def newest_id(self) -> str:
        return key_id(self.keys[0])

    @property
    def from_file(self) -> bool:
        return self.source != ENV_SOURCE

    def multi(self) -> MultiFernet:
        return MultiFernet([Fernet(k.encode("ascii")) for k in self.keys])


def parse_key_file(text: str) -> list[str]:
    """One key a line, newest first; blank lines and ``#`` comments ignored."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=4)
def _env_keyring(keys: tuple[str, ...]) -> Keyring:
    return Keyring.of(keys, ENV_SOURCE)


_file_cache: dict[Path, tuple[tuple[int, int, int], Keyring]] = {}
_file_lock = threading.Lock()


def _file_keyring(path: Path) -> Keyring | None:
    """The key file's keys, re-read whenever the file changes (a stat per call)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    signature = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _file_lock:
        cached = _file_cache.get(path)
        if cached and cached[0] == signature:
            return cached[1]
        ring = Keyring.of(parse_key_file(path.read_text(encoding="ascii")), str(path))
        _file_cache[path] = (signature, ring)
        return ring


def key_file() -> Path:
    return Path(settings.ANJU_FIELD_KEY_FILE)


def keyring() -> Keyring | None:
    """The configured keys, or None when neither ANJU_FIELD_KEY nor the key file exists."""
    if settings.ANJU_FIELD_KEYS:
        return _env_keyring(tuple(settings.ANJU_FIELD_KEYS))
    return _file_keyring(key_file())


def missing_key_message(ring: Keyring | None, key_ids) -> str:
    ids = ", ".join(sorted(key_ids))
    if ring is None:
        return (
            f"字段加密密钥文件 {key_file()} 不存在，但数据库中有用密钥 {ids} 加密的个人信息。"
            "请把原来的 field.key 放回数据目录（或用 ANJU_FIELD_KEY 给出密钥）；anju 不会另建新密钥。"
        )
    where = "环境变量 ANJU_FIELD_KEY" if not ring.from_file else f"密钥文件 {ring.source}"
    return (
        f"数据库中有用密钥 {ids} 加密的个人信息，但{where}中没有这个密钥（现有：{', '.join(ring.ids)}）。"
        "请补上原来的密钥；轮换后旧密钥要保留到 anju keys rotate 完成为止。"
    )


def _writing_keyring() -> Keyring:
    ring = keyring()
    if ring is None:
        from anju.core.fieldkeys import create_key_file_if_unused

        ring = create_key_file_if_unused()
    return ring


def encrypt(value: str) -> str:
    ring = _writing_keyring()
    kid = ring.newest_id
    return f"{PREFIX}{kid}:" + ring.fernets[kid].encrypt(value.encode("utf-8")).decode("ascii")


def stored_key_id(stored: str) -> str | None:
    """The key id written with a value; None for a value from before key ids."""
    if stored.startswith(PREFIX):
        return stored[len(PREFIX) : len(PREFIX) + 8]
    return None


def decrypt(stored: str) -> str:
    ring = keyring()
    if stored.startswith(PREFIX):
        kid, _, token = stored[len(PREFIX) :].partition(":")
        if ring is None or kid not in ring.fernets:
            raise FieldKeyError(missing_key_message(ring, [kid]))
        opener = ring.fernets[kid]
    elif stored.startswith(LEGACY_PREFIX):
        if ring is None:
            raise FieldKeyError(missing_key_message(None, ["（旧格式）"]))
        token, opener = stored[len(LEGACY_PREFIX) :], ring.multi()
    else:
        raise ValueError("value is not encrypted by anju")
    try:
        return opener.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise FieldKeyError("个人信息无法用现有的字段加密密钥解密（密钥不对或数据已损坏）") from exc


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; the Python value is plain text ("" when empty)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return ""
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return encrypt(str(value))


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


MASKERS = {"name": mask_name, "phone": mask_phone, "id_number": mask_id_number}


def protect_text(text: str) -> tuple[str, str]:
    """Free text as (what is stored in plain, the original to store encrypted).

    Phones, ID-card numbers and names after a cue (姓名：, 联系人, 反映人, 我叫 …) typed into free text (情况描述,
    notes, 调解经过) are masked in the plain column, so search, export and triage never hold them; the original
    is returned only when something was masked ("" otherwise), for an ``EncryptedTextField`` beside the column
    that a reveal reads. Names found only before a title (…先生, …工) are left: that finder misreads ordinary
    words (十余名工人) too often for text that staff must read."""
    text = text or ""
    masked = mask_personal_text(text, name_titles=False)
    return masked, (text if masked != text else "")
