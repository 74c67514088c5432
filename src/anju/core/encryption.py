"""Passphrase encryption of a backup stream: scrypt for the key, AES-256-GCM in 1 MiB chunks.

Layout: MAGIC, salt (16 bytes), scrypt log2(n), r, p (1 byte each), a passphrase check (32 bytes), a nonce
prefix (7 bytes); then chunks, each a 4-byte big-endian length and AES-GCM ciphertext with its tag. A chunk's
nonce is the prefix, its 4-byte counter and a final-chunk flag (the STREAM construction), and the header is
its associated data, so chunks cannot be reordered, dropped, or cut off at the end unnoticed.

scrypt yields 64 bytes: the first 32 are the AES key, the other 32 are stored as the check, which tells a
wrong passphrase ("口令不对") apart from a damaged file without revealing the key.
"""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ANJU-BACKUP-1\n"
CHUNK = 1 << 20
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB and about 0.1 s per derivation


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in words for the administrator."""


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not passphrase:
        raise BackupError("口令不能为空")
    out = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return out[:32], out[32:]


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if final else 0)


class EncryptingWriter:
    """A write-only file object; ``close()`` writes the final chunk (it does not close the target)."""

    def __init__(self, target, passphrase: str):
        salt, prefix = os.urandom(16), os.urandom(7)
        key, check = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self.header = MAGIC + salt + bytes([SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + check + prefix
        self.target, self.aead, self.prefix = target, AESGCM(key), prefix
        self.buffer, self.counter, self.closed = bytearray(), 0, False
        target.write(self.header)

    def _emit(self, data: bytes, final: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, final), data, self.header)
        self.target.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def write(self, data) -> int:
        self.buffer += data
        # Keep at least one byte back: the last chunk is only known at close.
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.buffer), final=True)
            self.buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over an encrypted stream; raises BackupError on a wrong passphrase or damage."""

    def __init__(self, source, passphrase: str):
        head = source.read(len(MAGIC) + 16 + 3 + 32 + 7)
        if len(head) < len(MAGIC) + 58 or not head.startswith(MAGIC):
            raise BackupError("不是加密的 anju 备份")
        body = head[len(MAGIC) :]
        salt, params, check, prefix = body[:16], body[16:19], body[19:51], body[51:58]
        key, expected = _derive(passphrase, salt, *params)
        if not hmac.compare_digest(check, expected):
            raise BackupError("口令不对：无法解密这个备份")
        self.source, self.header, self.aead, self.prefix = source, head, AESGCM(key), prefix
        self.counter, self.buffer, self.done = 0, bytearray(), False
        self.pending = self._read_sealed()

    def _read_sealed(self) -> bytes | None:
        size = self.source.read(4)
        if not size:
            return None
        if len(size) < 4:
            raise BackupError("备份文件不完整")
        (length,) = struct.unpack(">I", size)
        sealed = self.source.read(length)
        if len(sealed) < length:
            raise BackupError("备份文件不完整")
        return sealed

    def _next_chunk(self) -> None:
        if self.pending is None:
            raise BackupError("备份文件不完整（缺少结尾）")
        following = self._read_sealed()
        final = following is None
        try:
            plain = self.aead.decrypt(_nonce(self.prefix, self.counter, final), self.pending, self.header)
        except InvalidTag as exc:
            raise BackupError("备份文件已损坏（解密校验失败）") from exc
        self.counter += 1
        self.buffer += plain
        self.pending = following
        self.done = final

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._next_chunk()
        if size < 0:
            size = len(self.buffer)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data
