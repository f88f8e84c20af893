"""Finding personal data in text before it is published: ID numbers and mobile numbers.

An 18-character run counts as an ID number only if its check digit and birth date are valid
(so order numbers and amounts do not trip it); a mobile number is 11 digits starting 13–19,
optionally written with +86 and spaces or hyphens between the groups.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from zhicun.lib.idnumber import parse_id_number

ID_KIND = "id_number"
MOBILE_KIND = "mobile"
LABELS = {ID_KIND: "身份证号码", MOBILE_KIND: "手机号码"}

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])")


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def describe(self, where: str = "正文") -> str:
        return f"{where}第 {self.line} 行第 {self.column} 字附近发现{self.label}"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def find_personal_data(text: str) -> list[Finding]:
    """Every ID number and mobile number in `text`, in order of appearance."""
    if not text:
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for match in _ID.finditer(text):
        try:
            parse_id_number(match.group())
        except ValidationError:
            continue
        taken.append(match.span())
        found.append(Finding(ID_KIND, *_position(text, match.start()), match.start()))
    for match in _MOBILE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        found.append(Finding(MOBILE_KIND, *_position(text, match.start()), match.start()))
    return sorted(found, key=lambda f: f.offset)


def describe_findings(texts: list[tuple[str, str]], limit: int = 5) -> list[str]:
    """Chinese sentences naming where personal data was found, for (where, text) pairs."""
    messages = []
    for where, text in texts:
        for finding in find_personal_data(text):
            messages.append(finding.describe(where))
    if len(messages) > limit:
        messages = messages[:limit] + [f"另有 {len(messages) - limit} 处"]
    return messages


def check_no_personal_data(texts: list[tuple[str, str]]) -> None:
    """Raise a ValidationError naming the places if any text holds personal data."""
    messages = describe_findings(texts)
    if messages:
        raise ValidationError(
            "不能公开个人信息：" + "；".join(messages) + "。请删除或打码后再提交。"
        )
