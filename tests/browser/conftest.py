"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the live server's DB work is sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ZHICUN_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (ZHICUN_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _page(browser, width: int, height: int):
    """A page that fails the test if the Content-Security-Policy blocked anything on it."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        # Bootstrap then opens panels at once: a click never lands on a form still unfolding.
        reduced_motion="reduce",
    )
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert blocked == [], f"Content-Security-Policy violations: {blocked}"


@pytest.fixture
def phone(browser):
    """A phone-sized page, as field staff and villagers use the platform."""
    yield from _page(browser, 390, 844)


@pytest.fixture
def desk(browser):
    yield from _page(browser, 1366, 900)


@pytest.fixture
def desks(browser):
    """Opens desk-sized pages, each in a context (and a login) of its own, closed after the test."""
    opened = []

    def open_page():
        page = _page(browser, 1366, 900)
        opened.append(page)
        return next(page)

    yield open_page
    for page in opened:
        next(page, None)  # closes its context and checks its Content-Security-Policy reports


@pytest.fixture
def browser_district(transactional_db):
    from zhicun.demo.management.commands.seed_demo import seed_accounts, seed_units

    seed_units()
    seed_accounts()


@pytest.fixture
def sign_in(live_server, browser_district):
    def do(page, username, password="Zhicun@2026"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():  # wait for the page the login leads to, not this one
            page.click("button[type=submit]")
        return page

    return do
