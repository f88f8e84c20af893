"""Consistent, encrypted backups and their restore.

A backup file is: a JSON header line (format, database vendor, time, row counts per table),
then the database image (SQLite online backup, or `pg_dump -Fc`) encrypted in 1 MiB chunks with
AES-256-GCM under ZHICUN_BACKUP_KEY (or the first data key); a `.sha256` file beside it holds the
checksum of the whole file.
"""

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

MAGIC = b"ZHICUN-BACKUP-1\n"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def backup_key() -> bytes:
    raw = os.getenv("ZHICUN_BACKUP_KEY") or settings.ZHICUN_DATA_KEYS[0].partition(":")[2]
    key = base64.b64decode(raw)
    if len(key) != 32:
        raise BackupError("备份密钥应为 base64 编码的 32 字节")
    return key


def table_counts(cursor=None) -> dict[str, int]:
    counts = {}
    with connection.cursor() as c:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                c.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  # nosec B608
                counts[table] = c.fetchone()[0]
    return counts


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端")
    return path


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args, env


def _dump_image(path: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            connection.connection.backup(target)
        target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        name = settings.DATABASES["default"]["NAME"]
        subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "-Fc", "--no-owner", *args, "-f", str(path), name],
            check=True,
            env=env,
        )
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")


def write_backup(out: Path) -> dict:
    header = {
        "format": 1,
        "vendor": connection.vendor,
        "created_at": timezone.now().isoformat(),
        "counts": table_counts(),
    }
    aead = AESGCM(backup_key())
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "image"
        _dump_image(image)
        digest = hashlib.sha256()
        with open(out, "wb") as dst, open(image, "rb") as src:
            head = MAGIC + json.dumps(header, ensure_ascii=False).encode() + b"\n"
            dst.write(head)
            digest.update(head)
            index = 0
            while chunk := src.read(CHUNK):
                nonce = os.urandom(12)
                sealed = aead.encrypt(nonce, chunk, struct.pack(">Q", index))
                record = struct.pack(">I", len(sealed)) + nonce + sealed
                dst.write(record)
                digest.update(record)
                index += 1
    Path(f"{out}.sha256").write_text(f"{digest.hexdigest()}  {out.name}\n")
    return header


def read_header(path: Path) -> dict:
    with open(path, "rb") as f:
        if f.readline() != MAGIC:
            raise BackupError("不是智村备份文件")
        return json.loads(f.readline())


def verify_checksum(path: Path) -> None:
    sums = Path(f"{path}.sha256")
    if not sums.exists():
        raise BackupError("缺少校验文件 .sha256")
    expected = sums.read_text().split()[0]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise BackupError("备份文件校验失败：文件已损坏或被修改")


def _decrypt_image(path: Path, image: Path) -> None:
    aead = AESGCM(backup_key())
    with open(path, "rb") as src, open(image, "wb") as dst:
        src.readline()
        src.readline()
        index = 0
        while size_bytes := src.read(4):
            (size,) = struct.unpack(">I", size_bytes)
            nonce = src.read(12)
            sealed = src.read(size)
            dst.write(aead.decrypt(nonce, sealed, struct.pack(">Q", index)))
            index += 1


def database_is_empty() -> bool:
    return "django_migrations" not in connection.introspection.table_names()


def restore_backup(path: Path) -> dict:
    verify_checksum(path)
    header = read_header(path)
    if header["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {header['vendor']}，当前数据库是 {connection.vendor}")
    if not database_is_empty():
        raise BackupError("只能恢复到空数据库中")
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "image"
        _decrypt_image(path, image)
        if connection.vendor == "sqlite":
            connection.close()
            target = Path(settings.DATABASES["default"]["NAME"])
            shutil.copyfile(image, target)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        else:
            args, env = _pg_env()
            name = settings.DATABASES["default"]["NAME"]
            subprocess.run(  # noqa: S603
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    *args,
                    "-d",
                    name,
                    str(image),
                ],
                check=True,
                env=env,
            )
    counts = table_counts()
    mismatched = {t: (n, counts.get(t)) for t, n in header["counts"].items() if counts.get(t) != n}
    if mismatched:
        raise BackupError(f"恢复后记录数不一致：{mismatched}")
    return header
