"""Security headers on every page: CSP without inline scripts, no framing, no sniffing."""


def test_pages_carry_a_csp_that_forbids_inline_scripts(client, db):
    r = client.get("/accounts/login/")
    csp = r.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_or_handler():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text):
            offenders.append(f"{path.relative_to(root)}: {m.group(0)}")
        if re.search(r"\son(click|submit|change|load|input)=", text):
            offenders.append(f"{path.relative_to(root)}: inline event handler")
    assert offenders == []
