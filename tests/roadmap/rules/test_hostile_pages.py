"""Hostile AsciiDoc and Markdown, imported, edited, frozen and granted through the pages, is
inert on every page that shows it: no script, style, frame or event handler, no javascript:
link, and no server file read by ``include::``. (The engine's own tests cover the renderer;
these cover what the pages put around it: titles, diffs, exceptions, histories.)"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from roadmap.models import RuleDocument
from wg.models import Person

HOSTILE = """\
= Rules <script>alert('title')</script>
:sectnums:

Intro <script>alert('preamble')</script> <b onmouseover="alert('b')">bold</b>

== Passthrough <img src=x onerror="alert('heading')">

++++
<script>alert('pass')</script>
<img src="x" onerror="alert('img')">
<style>body { display: none }</style>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert('a')">a</a>
++++

pass:[<svg onload="alert('svg')"></svg>]

== Links

link:javascript:alert('link')[click me] and https://example.org[a good link].

== Include

include::/etc/passwd[]

include::{docdir}/../../../../etc/hostname[]

## Markdown style <script>alert('md')</script>

[x](javascript:alert('markdown-link')) <img src=x onerror=alert('md-img')>
"""

HOSTILE_MARKDOWN = (
    "<script>alert('exception')</script> [x](javascript:alert('exception-link')) "
    '<img src="x" onerror="alert(\'exception-img\')"> <style>*{}</style> **ok**'
)


class _Live(HTMLParser):
    """Collects what a browser would run or load from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {values}")
        if tag in ("style", "iframe", "svg", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def live_parts(page: str) -> list[str]:
    parser = _Live()
    parser.feed(page)
    return parser.found


@pytest.fixture
def hostile_world(client, chair, catalogued_round, training):
    client.force_login(chair)

    def upload(document, text, message):
        file = SimpleUploadedFile("rules.adoc", text.encode())
        response = client.post(
            "/rules/upload/", {"document": document, "file": file, "message": message}
        )
        assert response.status_code == 302, response.content.decode()[-2000:]

    upload("hostile", HOSTILE.replace("Intro", "Before"), "a first revision")
    upload("hostile", HOSTILE, "the hostile one")
    # A hostile edit of one section, through the section form.
    response = client.post(
        "/rules/hostile/revisions/2/sections/links/edit/",
        {
            "text": "== Links\n\n<script>alert('edit')</script> link:javascript:alert(2)[x]\n",
            "message": "<script>alert('message')</script>",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/rules/rounds/v9.0/freeze/", {"ruleset": "6.1.0", "revision_hostile": 2}
    )
    assert response.status_code == 302
    response = client.post(
        "/rules/rounds/v9.0/exceptions/new/",
        {
            "section": "hostile:links",
            "text": HOSTILE_MARKDOWN,
            "requested_by": Person.objects.get(user=chair).slug,
            "decision_text": HOSTILE_MARKDOWN,
        },
    )
    assert response.status_code == 302
    client.logout()
    return RuleDocument.objects.get(slug="hostile")


PAGES = [
    "/rules/",
    "/rules/hostile/",
    "/rules/hostile/revisions/1/",
    "/rules/hostile/revisions/2/",
    "/rules/hostile/revisions/3/",
    "/rules/hostile/diff/1/3/",
    "/rules/hostile/diff/1/3/?view=side",
    "/rules/hostile/sections/links/",
    "/rules/hostile/sections/{passthrough}/",
    "/rules/rounds/v9.0/",
    "/rules/rounds/v9.0/changes/",
    "/rules/rounds/v9.0/changes/?view=side",
    "/rules/rounds/v9.0/exceptions/",
    "/roadmap/decisions/D-{year}-001/",
]


def test_hostile_rules_are_inert_on_every_page(client, hostile_world, chair):
    year = timezone.localdate().year
    passthrough = hostile_world.revisions.get(number=2).sections.get(order=1).anchor
    assert passthrough.startswith("passthrough-img-src-x-onerror")  # the heading, as text
    pages = {url: client.get(url.format(year=year, passthrough=passthrough)) for url in PAGES}
    client.force_login(chair)
    pages["/rules/hostile/revisions/3/ (chair)"] = client.get("/rules/hostile/revisions/3/")
    pages["edit form"] = client.get("/rules/hostile/revisions/3/sections/links/edit/")
    for url, response in pages.items():
        assert response.status_code == 200, url
        page = response.content.decode()
        assert live_parts(page) == [], url
        assert "root:x:0:0" not in page, url
    # The hostile text is still there for readers of the diff and the source, as text.
    diff = pages["/rules/hostile/diff/1/3/"].content.decode()
    assert "&lt;script&gt;alert(&#x27;edit&#x27;)&lt;/script&gt;" in diff
    source = client.get("/rules/hostile/revisions/2/source/")
    assert source["Content-Type"].startswith("text/plain")
    # The include became a link to the file's name, not its content.
    assert "etc/passwd" in pages["/rules/hostile/revisions/2/"].content.decode()


def test_the_page_checker_finds_live_markup():
    assert live_parts('<p onclick="x()">x</p><a href=" JavaScript:x()">y</a><style></style>')
    assert live_parts("<script>x()</script>")
    assert not live_parts('<script src="/static/js/localtime.js"></script><a href="#x">x</a>')
