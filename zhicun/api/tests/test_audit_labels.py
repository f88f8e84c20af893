"""Every action the API and Open311 write to the audit trail has a Chinese label for auditors."""

import re
from pathlib import Path

from zhicun.audit.actions import LABELS, label

API = Path(__file__).resolve().parents[1]


def audited_actions() -> set[str]:
    found = set()
    for path in API.rglob("*.py"):
        if "tests" not in path.parts:
            found.update(re.findall(r'action="([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    return found


def test_it_finds_the_token_and_open311_actions():
    wanted = {"token.issue", "token.revoke", "open311.register", "open311.submit"}
    assert wanted <= audited_actions()


def test_each_audited_action_has_a_chinese_label():
    missing = sorted(a for a in audited_actions() if a not in LABELS)
    assert missing == []
    assert label("token.revoke") == "吊销接口令牌"
    assert label("open311.submit") == "第三方应用提交事件"
