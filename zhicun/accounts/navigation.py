"""The navigation menu: each entry shows for users holding its permission, under its group."""

from dataclasses import dataclass

from django.urls import NoReverseMatch

from zhicun.lib.urls import fixed_url


@dataclass(frozen=True)
class NavGroup:
    label: str
    icon: str


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None  # None: every signed-in staff member
    icon: str = ""
    group: NavGroup | None = None  # None: a link of its own on the bar


COMMAND = NavGroup("指挥与统计", "display")
PEOPLE = NavGroup("人口与网格", "people")
CASES = NavGroup("民情诉求", "chat-square-text")
ERRANDS = NavGroup("代办", "briefcase-fill")
SUPPORT = NavGroup("帮扶与就业", "heart-pulse")
OPENNESS = NavGroup("公开", "megaphone")
SYSTEM = NavGroup("系统管理", "gear")

# The bar shows the groups in the order their first item appears here.
NAV: list[NavItem] = [
    NavItem("工作台", "home", None, "house"),
    NavItem("指挥中心", "dashboard:home", "business.view", "display", COMMAND),
    NavItem("人口统计", "registry:stats", "business.view", "bar-chart", COMMAND),
    NavItem("事件指标", "cases:indicators", "business.view", "graph-up", COMMAND),
    NavItem("代办统计", "errands:stats", "business.view", "bar-chart-line", COMMAND),
    NavItem("户籍管理", "registry:households", "business.view", "house-door", PEOPLE),
    NavItem("人员查询", "registry:search", "business.view", "search", PEOPLE),
    NavItem("流动人口", "registry:floating", "business.view", "signpost-split", PEOPLE),
    NavItem("走访", "registry:coverage", "business.view", "clipboard-check", PEOPLE),
    NavItem("区划与网格", "units:tree", "business.view", "diagram-3", PEOPLE),
    NavItem("导入", "registry:import", "registry.import", "upload", PEOPLE),
    NavItem("导出审批", "exports:approvals", "export.approve", "clipboard-check", PEOPLE),
    NavItem("民情事件", "cases:list", "business.view", "chat-square-text", CASES),
    NavItem("督办看板", "cases:board", "case.supervise", "speedometer2", CASES),
    NavItem("工作指令", "cases:instructions", "business.view", "megaphone", CASES),
    NavItem("代办服务", "errands:list", "business.view", "briefcase-fill", ERRANDS),
    NavItem("帮扶监测", "support:list", "business.view", "heart-pulse", SUPPORT),
    NavItem("就业帮扶", "jobs:openings", "business.view", "briefcase", SUPPORT),
    NavItem("三务公开", "disclosure:list", "business.view", "megaphone", OPENNESS),
    NavItem("区划管理", "units:tree", "units.manage", "diagram-3", SYSTEM),
    NavItem("账号与岗位", "accounts:users", "accounts.manage", "people", SYSTEM),
    NavItem("事件设置", "cases:settings", "case.admin", "sliders", SYSTEM),
    NavItem("代办事项", "errands:catalogue", "errand.admin", "card-checklist", SYSTEM),
    NavItem("监测标准", "support:thresholds", "support.threshold", "sliders", SYSTEM),
    NavItem("通知发送", "notify:messages", "notify.admin", "envelope-exclamation", SYSTEM),
    NavItem("安全管理", "accounts:security", "security.manage", "shield-lock", SYSTEM),
    NavItem("审计日志", "audit:events", "audit.view", "journal-text", SYSTEM),
]


def items_for(user) -> list[tuple[NavItem, str]]:
    """The entries this user may open, with their URLs; a URL listed twice shows once."""
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
        items.append((item, url))
    return items


def _current(path: str, urls: list[str]) -> str | None:
    """The entry a page belongs to: the longest entry URL it starts with (the home page only as
    itself), so that a case's page marks 民情事件 and the board marks 督办看板."""
    under = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(under, key=len, default=None)


def menu_for(user, path: str) -> list[dict]:
    """The bar's entries: a group holds its visible items; one that holds a single item, and an
    item without a group, is shown as a plain link (`items` of length one)."""
    items = items_for(user)
    current = _current(path, [url for _, url in items])
    entries: dict[NavGroup | NavItem, dict] = {}
    for item, url in items:
        group = item.group or item
        entry = entries.setdefault(
            group, {"label": group.label, "icon": group.icon, "active": False, "items": []}
        )
        active = url == current
        entry["active"] |= active
        entry["items"].append(
            {"label": item.label, "url": url, "icon": item.icon, "active": active}
        )
    return list(entries.values())
