"""Roles (SPEC §2) and what each may do. The one table permission checks read."""

from django.db import models


class Role(models.TextChoices):
    COMMAND = "command", "指挥中心值班员"
    INSTRUCTOR = "instructor", "网格指导员"
    CHIEF = "chief", "网格长"
    MANAGER = "manager", "网格管理员"
    COLLECTOR = "collector", "网格信息员"
    SUPERVISOR = "supervisor", "监督员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# Roles that see business data in their unit's subtree. The three administrators do not.
BUSINESS_ROLES = frozenset(
    {Role.COMMAND, Role.INSTRUCTOR, Role.CHIEF, Role.MANAGER, Role.COLLECTOR, Role.SUPERVISOR}
)
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

_EDITORS = {Role.CHIEF, Role.MANAGER, Role.COLLECTOR}

# permission -> roles holding it. A permission applies at the post's unit and below.
PERMISSIONS: dict[str, frozenset[str]] = {
    "business.view": BUSINESS_ROLES,
    "registry.edit": frozenset(_EDITORS),
    "registry.reveal": frozenset({Role.CHIEF, Role.MANAGER, Role.COLLECTOR, Role.COMMAND}),
    "registry.export": frozenset({Role.CHIEF, Role.MANAGER, Role.COMMAND, Role.INSTRUCTOR}),
    "registry.import": frozenset({Role.CHIEF, Role.MANAGER}),
    # Exports over ZHICUN_EXPORT_APPROVAL_ROWS: the village secretary or a command centre above.
    "export.approve": frozenset({Role.CHIEF, Role.COMMAND}),
    "case.report": frozenset(
        {Role.CHIEF, Role.MANAGER, Role.COLLECTOR, Role.COMMAND, Role.INSTRUCTOR}
    ),
    "case.handle": frozenset({Role.CHIEF, Role.MANAGER, Role.COMMAND}),
    "case.approve": frozenset({Role.COMMAND, Role.INSTRUCTOR}),
    "case.supervise": frozenset({Role.COMMAND, Role.INSTRUCTOR, Role.SUPERVISOR}),
    "case.instruct": frozenset({Role.CHIEF, Role.INSTRUCTOR, Role.COMMAND}),
    "case.admin": frozenset({Role.SYSADMIN}),
    "notify.admin": frozenset({Role.SYSADMIN}),
    "units.manage": frozenset({Role.SYSADMIN}),
    "accounts.manage": frozenset({Role.SYSADMIN}),
    "security.manage": frozenset({Role.SECADMIN}),
    "audit.view": frozenset({Role.AUDITOR}),
    "support.edit": frozenset({Role.CHIEF, Role.MANAGER}),
    "support.review_village": frozenset({Role.CHIEF}),
    "support.review_township": frozenset({Role.COMMAND, Role.INSTRUCTOR}),
    "support.review_county": frozenset({Role.COMMAND}),
    "jobs.edit": frozenset({Role.CHIEF, Role.MANAGER, Role.COMMAND, Role.INSTRUCTOR}),
    "support.threshold": frozenset({Role.SYSADMIN}),
    "disclosure.draft": frozenset({Role.CHIEF, Role.MANAGER}),
    "disclosure.review": frozenset({Role.CHIEF}),
    "disclosure.review_finance": frozenset({Role.SUPERVISOR}),
    "disclosure.withdraw": frozenset({Role.CHIEF}),
    "disclosure.moderate": frozenset({Role.CHIEF, Role.MANAGER}),
    "disclosure.settings": frozenset({Role.CHIEF}),
    "ledger.edit": frozenset({Role.CHIEF, Role.MANAGER}),
    "errand.handle": frozenset({Role.CHIEF, Role.MANAGER, Role.COLLECTOR}),
    "errand.admin": frozenset({Role.SYSADMIN}),
}


def roles_with(perm: str) -> frozenset[str]:
    try:
        return PERMISSIONS[perm]
    except KeyError:
        raise KeyError(f"unknown permission {perm!r}") from None
