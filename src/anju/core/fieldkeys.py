"""Field keys against the database: which keys the stored values need, the startup check, rotation.

The key file is created only while the database holds no encrypted value: a missing key file next to
encrypted data is an error naming the file, never a fresh key (which would make the old data unreadable
and write new data under a key nobody backed up).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from anju.core import crypto
from anju.core.crypto import FieldKeyError, Keyring

LEGACY = "enc1"  # the Counter key for values from before key ids


def encrypted_columns() -> list[tuple[type, object]]:
    """(model, field) for every EncryptedTextField of every installed model, in a stable order."""
    columns = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for f in meta.concrete_fields:
            if isinstance(f, crypto.EncryptedTextField):
                columns.append((model, f))
    return sorted(columns, key=lambda mf: (mf[0]._meta.db_table, mf[1].column))


def _existing(columns):
    tables = set(connection.introspection.table_names())
    return [(m, f) for m, f in columns if m._meta.db_table in tables]


@dataclass
class KeyUsage:
    """How many stored values each key id encrypted (LEGACY: values from before key ids)."""

    counts: Counter = field(default_factory=Counter)
    legacy_samples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def key_ids(self) -> list[str]:
        return sorted(k for k in self.counts if k != LEGACY)


def key_usage() -> KeyUsage:
    usage = KeyUsage()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, f in _existing(encrypted_columns()):
            table, col = q(model._meta.db_table), q(f.column)
            start = len(crypto.PREFIX) + 1
            # Table and column names come from the models' metadata, quoted; every value is a parameter.
            by_key = f"SELECT substr({col}, {start}, 8), count(*) FROM {table} WHERE {col} LIKE %s GROUP BY 1"  # nosec B608
            cursor.execute(by_key, [crypto.PREFIX + "%"])
            for kid, count in cursor.fetchall():
                usage.counts[kid] += count
            legacy_count = f"SELECT count(*) FROM {table} WHERE {col} LIKE %s"  # nosec B608
            cursor.execute(legacy_count, [crypto.LEGACY_PREFIX + "%"])
            legacy = cursor.fetchone()[0]
            if legacy:
                usage.counts[LEGACY] += legacy
                # The first and the last: old values carry no key id, so a sample shows whether the keys open them.
                for order in ("ASC", "DESC"):
                    pk_column = q(model._meta.pk.column)
                    sample = (
                        f"SELECT {col} FROM {table} WHERE {col} LIKE %s ORDER BY {pk_column} {order} LIMIT 1"  # nosec B608
                    )
                    cursor.execute(sample, [crypto.LEGACY_PREFIX + "%"])
                    usage.legacy_samples.append(cursor.fetchone()[0])
    return usage


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file atomically, owner-only (0600)."""
    fd, tmp = tempfile.mkstemp(prefix=".field.key.", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(
                "# anju field keys, newest first; keep every key that `anju keys status` still lists\n"
            )
            handle.writelines(k + "\n" for k in keys)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_key_file_if_unused() -> Keyring:
    """Create the key file for a fresh installation; refuse when the database already holds ciphertexts."""
    usage = key_usage()
    if usage.total:
        raise FieldKeyError(crypto.missing_key_message(None, usage.key_ids() or ["（旧格式）"]))
    path = crypto.key_file()
    # Written in full under another name, then linked into place: a process that loses the race reads the
    # winner's complete file, never an empty one.
    fd, tmp = tempfile.mkstemp(prefix=".field.key.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(crypto.new_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process created it first
            pass
    finally:
        os.unlink(tmp)
    ring = crypto.keyring()
    assert ring is not None  # nosec B101
    return ring


def field_key_problems(*, create: bool = True) -> list[str]:
    """What stops anju from reading the stored personal data (empty when nothing). Creates the key file on
    a fresh installation when ``create``."""
    ring = crypto.keyring()
    usage = key_usage()
    if ring is None:
        if usage.total == 0:
            if create:
                create_key_file_if_unused()
            return []
        return [crypto.missing_key_message(None, usage.key_ids() or ["（旧格式）"])]
    problems = []
    missing = [kid for kid in usage.key_ids() if kid not in ring.fernets]
    if missing:
        problems.append(crypto.missing_key_message(ring, missing))
    for sample in usage.legacy_samples:
        try:
            crypto.decrypt(sample)
        except FieldKeyError:
            problems.append(crypto.missing_key_message(ring, ["（旧格式，不带密钥编号）"]))
            break
    return problems


@dataclass
class RotationReport:
    new_key_id: str
    added_key: bool
    reencrypted: Counter  # "table.column" -> values re-encrypted
    from_keys: Counter  # old key id (or LEGACY) -> values re-encrypted
    unused_key_ids: list[str]  # configured keys that no stored value needs any more

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def add_newest_key() -> Keyring:
    """Prepend a fresh key to the key file (the old keys stay)."""
    ring = crypto.keyring()
    if ring is None or not ring.from_file:
        raise FieldKeyError(
            "字段加密密钥来自环境变量 ANJU_FIELD_KEY，anju 无法改写它：请把新密钥加在 ANJU_FIELD_KEY 最前面"
            "（逗号分隔，旧密钥保留），再运行 anju keys rotate --no-new-key。"
        )
    write_key_file(crypto.key_file(), [crypto.new_key(), *ring.keys])
    ring = crypto.keyring()
    assert ring is not None  # nosec B101
    return ring


def rotate(*, new_key: bool = True, batch_size: int = 500, progress=None) -> RotationReport:
    """Re-encrypt every stored value that is not under the newest key, in batches, each in a transaction.

    With ``new_key`` a fresh key is first prepended to the key file. Old keys are kept: the report lists the
    ones no value needs any more, and removing them is the administrator's decision (after a backup).
    Safe to run again after an interruption: what is already under the newest key is skipped.
    """
    problems = field_key_problems()
    if problems:
        raise FieldKeyError("\n".join(problems))
    ring = add_newest_key() if new_key else crypto.keyring()
    assert ring is not None  # nosec B101
    newest = ring.newest_id
    current = f"{crypto.PREFIX}{newest}:"
    q = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    reencrypted: Counter = Counter()
    from_keys: Counter = Counter()
    for model, f in _existing(encrypted_columns()):
        table, col, pk = q(model._meta.db_table), q(f.column), q(model._meta.pk.column)
        label = f"{model._meta.db_table}.{f.column}"
        last = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = f" AND {pk} > %s" if last is not None else ""
                # Names from the models' metadata, quoted; the batch size an int; values are parameters.
                batch = (
                    f"SELECT {pk}, {col} FROM {table} WHERE {col} LIKE %s AND {col} NOT LIKE %s{after} "  # nosec B608
                    f"ORDER BY {pk} LIMIT {int(batch_size)}{lock}"
                )
                cursor.execute(batch, ["enc%", current + "%", *([last] if last is not None else [])])
                rows = cursor.fetchall()
                updates = []
                for row_pk, stored in rows:
                    updates.append([crypto.encrypt(crypto.decrypt(stored)), row_pk])
                    from_keys[crypto.stored_key_id(stored) or LEGACY] += 1
                reencrypt = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s"  # nosec B608
                cursor.executemany(reencrypt, updates)
                reencrypted[label] += len(rows)
            if progress and rows:
                progress(label, reencrypted[label])
            if len(rows) < batch_size:
                break
            last = rows[-1][0]
    needed = set(key_usage().key_ids())
    unused = [kid for kid in ring.ids if kid not in needed and kid != newest]
    return RotationReport(newest, new_key, reencrypted, from_keys, unused)
