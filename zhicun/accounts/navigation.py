"""The navigation menu: each entry shows for users holding its permission."""

from dataclasses import dataclass

from django.urls import NoReverseMatch

from zhicun.lib.urls import fixed_url


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None  # None: every signed-in staff member
    icon: str = ""


NAV: list[NavItem] = [
    NavItem("工作台", "home", None, "house"),
    NavItem("指挥中心", "dashboard:home", "business.view", "display"),
    NavItem("户籍管理", "registry:households", "business.view", "house-door"),
    NavItem("人员查询", "registry:search", "business.view", "search"),
    NavItem("流动人口", "registry:floating", "business.view", "signpost-split"),
    NavItem("走访", "registry:coverage", "business.view", "clipboard-check"),
    NavItem("人口统计", "registry:stats", "business.view", "bar-chart"),
    NavItem("导入", "registry:import", "registry.import", "upload"),
    NavItem("导出审批", "exports:approvals", "export.approve", "clipboard-check"),
    NavItem("帮扶监测", "support:list", "business.view", "heart-pulse"),
    NavItem("就业帮扶", "jobs:openings", "business.view", "briefcase"),
    NavItem("监测标准", "support:thresholds", "support.threshold", "sliders"),
    NavItem("民情事件", "cases:list", "business.view", "chat-square-text"),
    NavItem("督办看板", "cases:board", "case.supervise", "speedometer2"),
    NavItem("事件指标", "cases:indicators", "business.view", "graph-up"),
    NavItem("工作指令", "cases:instructions", "business.view", "megaphone"),
    NavItem("代办服务", "errands:list", "business.view", "briefcase-fill"),
    NavItem("代办统计", "errands:stats", "business.view", "bar-chart-line"),
    NavItem("代办事项", "errands:catalogue", "errand.admin", "card-checklist"),
    NavItem("三务公开", "disclosure:list", "business.view", "megaphone"),
    NavItem("区划与网格", "units:tree", "business.view", "diagram-3"),
    NavItem("区划管理", "units:tree", "units.manage", "diagram-3"),
    NavItem("账号与岗位", "accounts:users", "accounts.manage", "people"),
    NavItem("审计日志", "audit:events", "audit.view", "journal-text"),
    NavItem("安全管理", "accounts:security", "security.manage", "shield-lock"),
    NavItem("通知发送", "notify:messages", "notify.admin", "envelope-exclamation"),
    NavItem("事件设置", "cases:settings", "case.admin", "sliders"),
]


def items_for(user) -> list[dict]:
    seen: set[str] = set()
    items = []
    for item in NAV:
        if item.perm is not None and not user.can(item.perm):
            continue
        try:
            url = fixed_url(item.url_name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append({"label": item.label, "url": url, "icon": item.icon})
    return items
