"""What can be exported. Each app registers its exports here (in its AppConfig.ready) so that an
approved request can be regenerated later from its stored parameters alone."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class ExportFile:
    file: Any  # an open binary file positioned at 0
    file_name: str
    content_type: str
    rows: int
    revealed: int = 0


@dataclass(frozen=True)
class ExportKind:
    key: str  # stored on requests: "registry.persons"
    label: str  # shown to requesters and approvers: "人员导出"
    perm: str  # the permission the requester needs, checked again at download
    # count(user, params) -> rows this user would get, in their scope
    count: Callable[[Any, dict], int]
    # build(by=, params=, purpose=, fmt=, reveal=, stamp=, audit_details=) -> ExportFile;
    # applies the user's scope itself and audits the export
    build: Callable[..., ExportFile]
    # params -> readable conditions for the request pages
    describe: Callable[[dict], list[str]] = lambda params: [
        f"{k} = {v}" for k, v in sorted(params.items())
    ]


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> ExportKind | None:
    return _KINDS.get(key)
