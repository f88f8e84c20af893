"""Uploaded files kept between the preview and the commit.

A file is stored under MEDIA_ROOT/imports/, named by its SHA-256 only (no user-supplied part
in the path), readable by the server account alone, and removed once committed or after
REGISTRY_IMPORT_KEEP_SECONDS, so personal data does not linger on disk.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

PARSED = ".rows"  # the preview's parsed rows, kept beside the file they came from


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def keep_seconds() -> int:
    return getattr(settings, "REGISTRY_IMPORT_KEEP_SECONDS", 24 * 3600)


def _path(sha256: str, suffix: str = "") -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 digest")
    return upload_dir() / (sha256 + suffix)


def store(sha256: str, data: bytes) -> None:
    path = _path(sha256)
    if path.exists():
        os.utime(path)
        return
    _write(path, data)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def load(sha256: str) -> bytes | None:
    try:
        return _path(sha256).read_bytes()
    except FileNotFoundError:
        return None


def store_parsed(sha256: str, data: bytes) -> None:
    """Keep what the preview read from the file, signed with the site's secret key: the commit
    trusts it instead of parsing the file again only if nobody has changed it on disk."""
    _write(_path(sha256, PARSED), _signature(data) + data)


def load_parsed(sha256: str) -> bytes | None:
    try:
        stored = _path(sha256, PARSED).read_bytes()
    except FileNotFoundError:
        return None
    signature, data = stored[:64], stored[64:]
    return data if constant_time_compare(signature, _signature(data)) else None


def _signature(data: bytes) -> bytes:
    mac = salted_hmac("zhicun.registry.import.parsed", data, algorithm="sha256")
    return mac.hexdigest().encode()


def discard(sha256: str) -> None:
    _path(sha256).unlink(missing_ok=True)
    _path(sha256, PARSED).unlink(missing_ok=True)


def purge_stale() -> None:
    folder = upload_dir()
    if not folder.is_dir():
        return
    cutoff = time.time() - keep_seconds()
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
