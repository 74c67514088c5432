"""Content-Security-Policy: only anju's own scripts and styles, nothing inline, on every page.

The header comes from django-csp; the template scan keeps the rule that makes it possible true: no inline
event handler, no inline script, no style attribute or <style> block in any template (behaviour lives in
the apps' static JS files as delegated listeners on data-* attributes; looks in their CSS files).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import anju

SRC = Path(anju.__file__).resolve().parent

# Written out by hand: what the policy must say, directive by directive.
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, status",
    [("/login/", 200), ("/public/submit", 200), ("/public/track?code=abc", 200), ("/no-such-page/", 404)],
)
def test_anonymous_pages_carry_the_policy_without_unsafe_inline(world, path, status):
    response = Client().get(path)
    assert response.status_code == status
    assert policy(response) == EXPECTED_POLICY
    assert "unsafe" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/matters/", "/account/password/", "/api/docs"])
def test_signed_in_pages_carry_the_policy(world, path):
    client = Client()
    client.force_login(world.cadre)
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == EXPECTED_POLICY


# What the policy would block, as it would appear in a template.
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)


def violations(text: str) -> list[str]:
    found = []
    for pattern, what in (
        (INLINE_HANDLER, "inline event handler"),
        (STYLE_ATTRIBUTE, "style attribute"),
        (STYLE_BLOCK, "<style> block"),
    ):
        found += [f"{what}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if not re.search(r"\ssrc\s*=", attributes) and not DATA_SCRIPT.search(attributes):
            found.append(f"inline <script>: {match.group(0)[:80]}")
    return found


def test_the_scanner_finds_what_the_policy_blocks():
    """Positive control: each kind of inline code or style is found; allowed markup is not."""
    assert len(violations('<select name="x" onchange="this.form.submit()">')) == 1
    assert len(violations("<form method=post\n  onsubmit=\"return confirm('?')\">")) == 1
    assert len(violations('<div class="card" style="max-width:420px">')) == 1
    assert len(violations("<style>.a{color:red}</style>")) == 1
    assert len(violations("<script>alert(1)</script>")) == 1
    allowed = (
        '<script src="/static/anju/anju.js" defer></script>'
        '<script type="application/json" id="s">{}</script>'
        '<select data-autosubmit data-confirm="确定？"><option>one</option></select>'
        '<svg width="40%"><rect fill="#fff"/></svg><p>onchange= is text here</p>'
    )
    assert violations(allowed) == []


def test_no_template_has_inline_handlers_scripts_or_styles():
    templates = sorted(SRC.rglob("templates/**/*.html"))
    assert len(templates) > 60  # the walk found the templates (77 when this was written)
    problems = [
        f"{path.relative_to(SRC)}: {problem}"
        for path in templates
        for problem in violations(path.read_text(encoding="utf-8"))
    ]
    assert problems == []
