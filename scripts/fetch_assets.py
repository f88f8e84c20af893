"""Install the front-end packages listed in assets.json from the npm registry, without Node.js.

Each package's tarball is checked against the integrity hash pinned in assets.json, and only
the files the pages use are kept, under ./assets/<package>/. Nothing third-party is committed.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
TARGET = Path(os.environ.get("ZHICUN_ASSETS_DIR", ROOT / "assets"))


def tarball_url(name: str, version: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return f"{REGISTRY}/{name}/-/{base}-{version}.tgz"


def fetch(name: str, spec: dict) -> None:
    dest = TARGET / name
    stamp = dest / ".version"
    if stamp.exists() and stamp.read_text() == spec["version"]:
        return
    url = tarball_url(name, spec["version"])
    print(f"fetching {name}@{spec['version']}", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        data = response.read()
    algo, _, expected = spec["integrity"].partition("-")
    digest = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name}: integrity check failed ({algo} {digest} != {expected})")
    if dest.exists():
        shutil.rmtree(dest)
    keep = spec["keep"]
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name[len("package/") :]
            if not any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in keep):
                continue
            out = (dest / rel).resolve()
            if not str(out).startswith(str(dest.resolve())):
                raise SystemExit(f"{name}: unsafe path in tarball: {rel}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(tar.extractfile(member).read())
    stamp.write_text(spec["version"])


def main() -> None:
    manifest = json.loads((ROOT / "assets.json").read_text())
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, spec in manifest.items():
        fetch(name, spec)


if __name__ == "__main__":
    main()
