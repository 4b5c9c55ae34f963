"""The API's docs are found from the inbox: a link on every page, and /docs and /openapi.json
lead to the control plane's."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect  # noqa: E402

SIZES = pytest.mark.parametrize(
    "size", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["1280px", "360px"]
)


@SIZES
def test_every_page_links_to_the_api_docs_under_a_plain_title(page, size):
    page.set_viewport_size(size)
    for path in (
        "/",
        "/webhooks",
        "/numbers",
        "/reports",
        "/accounts",
        "/chaos",
        "/handsets/+61491570156",
    ):
        page.goto(path)
        expect(page.get_by_role("link", name="API docs")).to_be_visible()
        # The tab names the page in words, never markup of the page's own.
        expect(page).to_have_title(re.compile(r"^[^<>\n]+ · MessageMedia emulator$"))
    page.get_by_role("link", name="API docs").click()
    expect(page).to_have_url(re.compile(r"/_emulator/docs$"))


@pytest.mark.parametrize(
    ("path", "target"), [("/docs", "/_emulator/docs"), ("/openapi.json", "/_emulator/openapi.json")]
)
def test_the_usual_docs_paths_lead_to_the_control_planes(http, path, target):
    moved = http.get(path, allow_redirects=False)
    assert moved.status_code == 302
    assert moved.headers["Location"] == target
    assert http.get(path).url.endswith(target)
    assert http.get(path).status_code == 200
