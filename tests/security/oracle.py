"""What SPEC §2 says each role may do, written from the specification — not from the code.

A post sees its unit and everything below it; the three administrators see no business data;
only the auditor reads the audit trail.
"""

BUSINESS = {"command", "instructor", "chief", "manager", "collector", "supervisor"}
ADMINS = {"sysadmin", "secadmin", "auditor"}
ROLES = sorted(BUSINESS | ADMINS)

EDITORS = {"chief", "manager", "collector"}  # create/update the registry in their unit
REVEALERS = {"chief", "manager", "collector", "command"}  # need full values for their work
EXPORTERS = {"chief", "manager", "command", "instructor"}


def sees(role: str, post_code: str, object_codes: list[str]) -> bool:
    return role in BUSINESS and any(code.startswith(post_code) for code in object_codes)


def may(role: str, post_code: str, object_codes: list[str], action: str) -> bool:
    if action == "audit":
        return role == "auditor"
    visible = sees(role, post_code, object_codes)
    if action in ("list", "view"):
        return visible
    if action == "edit":
        return visible and role in EDITORS
    if action == "reveal":
        return visible and role in REVEALERS
    if action == "export":
        return visible and role in EXPORTERS
    raise ValueError(action)
