"""Uploaded files kept between the preview and the commit.

A file is stored under MEDIA_ROOT/imports/, named by its SHA-256 only (no user-supplied part
in the path), readable by the server account alone, and removed once committed or after
REGISTRY_IMPORT_KEEP_SECONDS, so personal data does not linger on disk.
"""

import os
import time
from pathlib import Path

from django.conf import settings


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def keep_seconds() -> int:
    return getattr(settings, "REGISTRY_IMPORT_KEEP_SECONDS", 24 * 3600)


def _path(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 digest")
    return upload_dir() / sha256


def store(sha256: str, data: bytes) -> None:
    path = _path(sha256)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        os.utime(path)
        return
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def load(sha256: str) -> bytes | None:
    try:
        return _path(sha256).read_bytes()
    except FileNotFoundError:
        return None


def discard(sha256: str) -> None:
    _path(sha256).unlink(missing_ok=True)


def purge_stale() -> None:
    folder = upload_dir()
    if not folder.is_dir():
        return
    cutoff = time.time() - keep_seconds()
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
