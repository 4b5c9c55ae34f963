"""With an admin token the inbox asks for it once and keeps it in an HttpOnly, SameSite=Strict
cookie; what the pages change can only come from the pages' own origin, as JSON."""

from __future__ import annotations

import pytest

from emulator.settings import Settings
from emulator.web.admin_guard import ADMIN_COOKIE

TOKEN = "s3cret-token"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(db=str(tmp_path / "emulator.db"), admin_token=TOKEN)


def sign_in(http, token: str = TOKEN, **extra):
    return http.post("/sign-in", data={"token": token, **extra}, allow_redirects=False)


def test_pages_send_to_the_sign_in_page_and_back(http):
    response = http.get("/handsets/+61491570156?account=DemoAccount", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")

    form = http.get(response.headers["Location"])
    assert form.status_code == 200
    assert 'name="token"' in form.text and 'type="password"' in form.text
    assert "script-src 'self'" in form.headers["Content-Security-Policy"]


def test_a_wrong_token_is_refused(http):
    refused = sign_in(http, "nope")
    assert refused.status_code == 403
    assert "That is not the admin token." in refused.text
    assert ADMIN_COOKIE not in refused.cookies


def test_the_token_is_kept_in_a_strict_http_only_cookie(http):
    signed_in = sign_in(http, next="/webhooks?state=failed")
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/webhooks?state=failed"
    cookie = signed_in.headers["Set-Cookie"]
    assert f"{ADMIN_COOKIE}={TOKEN}" in cookie
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie

    assert http.get("/", allow_redirects=False).status_code == 200
    assert http.get("/_emulator/events").status_code == 200
    reply = {"source_number": "+61491570156", "destination_number": "+61491570157", "content": "Hi"}
    assert http.post("/_emulator/replies", json=reply).status_code == 201


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_elsewhere(http, target):
    assert sign_in(http, next=target).headers["Location"] == "/"


def test_sign_in_from_another_site_is_refused(http):
    response = http.post(
        "/sign-in",
        data={"token": TOKEN},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert response.status_code == 403


def test_another_site_cannot_change_the_emulator_with_the_cookie(http):
    sign_in(http)
    cross_site = http.post("/_emulator/reset", json={}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    as_a_form = http.post(
        "/_emulator/reset",
        data="x=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert as_a_form.status_code == 415


def test_signing_in_in_the_browser_opens_the_page_asked_for(page):
    page.goto("/webhooks")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/webhooks")
    page.get_by_role("heading", name="Webhooks").wait_for()
    page.locator("#live-indicator[data-state=live]").wait_for()
