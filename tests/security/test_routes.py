"""Every URL is classified here, so a new page cannot skip authorization: anonymous users get
nothing but public pages, the three administrators get no business page, and business staff get
no administration page. The object-level rules are in test_matrix.py."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "login", "healthz", "readyz", "portal:index", "portal:signup", "portal:signup_confirm",
    "portal:village", "portal:kind", "portal:publication",
    "api:openapi-json", "api:openapi-view", "api:api-root", "api:issue",
}  # fmt: skip
SIGNED_IN = {
    "home", "logout", "accounts:password_change", "accounts:otp_setup", "accounts:otp_verify",
}  # fmt: skip
VILLAGER = {
    "portal:me", "portal:household", "portal:case_new", "portal:case", "portal:case_rate",
    "portal:comment", "portal:comment_report",
}  # fmt: skip
ADMIN = {
    "accounts:users", "accounts:user_new", "accounts:user", "accounts:post_revoke",
    "accounts:security", "accounts:security_action", "accounts:unlock", "audit:events",
    "units:import", "units:child_new", "units:rename", "units:move",
    "notify:messages", "notify:retry", "errands:catalogue", "errands:catalogue_new",
    "errands:catalogue_edit", "support:thresholds", "cases:settings",
}  # fmt: skip
UNITS = {"units:tree", "units:detail"}  # the tree itself is not business data
BUSINESS = {
    "cases:act", "cases:board", "cases:detail", "cases:indicators", "cases:instruction",
    "cases:instruction_new", "cases:instructions", "cases:list", "cases:new", "cases:notice_ack",
    "cases:photo",
    "dashboard:data", "dashboard:home", "dashboard:screen", "dashboard:unit",
    "disclosure:act", "disclosure:attach", "disclosure:comment_act", "disclosure:comments",
    "disclosure:completion", "disclosure:detail", "disclosure:edit", "disclosure:file",
    "disclosure:file_delete", "disclosure:generate", "disclosure:ledger", "disclosure:list",
    "disclosure:log", "disclosure:log_case", "disclosure:log_publish", "disclosure:new",
    "disclosure:reverse", "disclosure:settings",
    "errands:act", "errands:detail", "errands:list", "errands:new", "errands:pension",
    "errands:stats",
    "exports:approvals", "exports:decide", "exports:detail", "exports:download", "exports:mine",
    "jobs:employer_new", "jobs:event", "jobs:opening", "jobs:opening_close", "jobs:opening_new",
    "jobs:openings", "jobs:place", "jobs:placement_end", "jobs:stats",
    "portal:correction_handle",
    "registry:coverage", "registry:export", "registry:floating", "registry:household",
    "registry:household_edit", "registry:household_new", "registry:households", "registry:import",
    "registry:import_batch", "registry:import_commit", "registry:import_template",
    "registry:imports", "registry:lookup", "registry:member_new", "registry:move_new",
    "registry:person", "registry:person_edit", "registry:person_end", "registry:reveal",
    "registry:saved_filter_delete", "registry:saved_filter_new", "registry:saved_filters",
    "registry:search", "registry:search_conditions", "registry:set_head", "registry:split",
    "registry:stats", "registry:transfer", "registry:visit_new",
    "support:cadre", "support:card", "support:card_pdf", "support:decide", "support:detail",
    "support:edit", "support:income", "support:list", "support:measure_new", "support:new",
    "support:review_open", "support:reviews", "support:village_cards", "support:village_pdf",
}  # fmt: skip
# Namespaces with their own authentication: Open311 is public by the standard (writes need an
# application key); the JSON API answers 401 without a token.
OPEN_NAMESPACES = {"open311"}
TOKEN_NAMESPACES = {"api"}


def routes():
    """(name, example path) for every URL pattern outside the Django admin."""

    def walk(patterns, prefix, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns + (p.namespace or ""))
            elif isinstance(p, URLPattern):
                name = (ns + ":" if ns else "") + (p.name or "?")
                yield name, example(prefix + str(p.pattern))

    return [r for r in walk(get_resolver().url_patterns, "/", "") if not r[0].startswith("admin")]


def example(pattern: str) -> str:
    path = re.sub(r"<int:\w+>", "999999", pattern)
    path = re.sub(r"<str:code>", "150902", path)
    path = re.sub(r"<(str:)?\w+>", "x", path)
    path = re.sub(r"\(\?P<fmt>[^)]*\)", "json", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", path)
    return path.replace("^", "").replace("$", "").replace("\\.", ".")


def classified():
    return PUBLIC | SIGNED_IN | VILLAGER | ADMIN | UNITS | BUSINESS


def test_every_route_is_classified():
    names = {n for n, _ in routes() if n.split(":")[0] not in OPEN_NAMESPACES | TOKEN_NAMESPACES}
    assert sorted(names - classified()) == [], "classify these routes in tests/security"
    assert sorted(classified() - names - PUBLIC) == [], "these routes no longer exist"


@pytest.mark.django_db
def test_anonymous_users_get_only_public_pages():
    client = Client()
    for name, path in routes():
        namespace = name.split(":")[0]
        if name in PUBLIC or namespace in OPEN_NAMESPACES:
            continue
        r = client.get(path)
        if namespace in TOKEN_NAMESPACES:
            assert r.status_code in (401, 404, 405), (name, path, r.status_code)
        else:
            assert r.status_code in (302, 403, 404, 405), (name, path, r.status_code)
            if r.status_code == 302:
                assert "/accounts/login/" in r.url or "/p/" in r.url, (name, r.url)


@pytest.mark.parametrize("username", ["admin", "secadmin", "auditor"])
def test_administrators_get_no_business_page(district, username, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.get(username=username))
    for name, path in routes():
        if name in BUSINESS:
            r = client.get(path)
            assert r.status_code in (302, 403, 404, 405), (name, path, r.status_code)


def test_business_staff_get_no_administration_page(district, django_user_model):
    client = Client()
    for username in ("dashihao", "jining", "collector1"):
        client.force_login(django_user_model.objects.get(username=username))
        for name, path in routes():
            if name in ADMIN:
                r = client.get(path)
                assert r.status_code in (403, 404, 405), (username, name, path, r.status_code)
