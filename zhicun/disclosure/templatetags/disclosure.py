"""Template filters for disclosure pages: money in 元 and names of history steps."""

from django import template

from zhicun.disclosure.services import yuan as _yuan

register = template.Library()

EVENT_LABELS = {
    "create": "创建草稿",
    "update": "修改草稿",
    "attach": "上传附件",
    "detach": "删除附件",
    "submit": "提交审核",
    "reject": "退回修改",
    "publish": "审核发布",
    "supersede": "被新版本更正",
    "withdraw": "撤回",
    "correct": "发起更正",
}


@register.filter
def yuan(fen) -> str:
    try:
        return _yuan(int(fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action)
