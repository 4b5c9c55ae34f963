"""Link-tracking logs (/v1/reporting/links/...): each http or https URL in a message an account
sent is a tracked link with a short URL of its own; the emulator's handsets open no links, so
clicks and views stay at 0; an account sees only its own links."""

from __future__ import annotations

import pytest

from tests.support import OTHER, basic_auth, message

SUMMARY = "/v1/reporting/links/summary"
DETAIL = "/v1/reporting/links/detail"
HANDSET = "+61491570156"


@pytest.fixture
def linked(send) -> list[dict]:
    return send(
        message(content="Track it: https://example.com/order/42.", metadata={"shop": "north"}),
        message(
            destination_number="+61491570157",
            content="See http://example.org and https://example.com/order/42",
        ),
        message(content="No link here"),
    )


def summary(client, **query) -> dict:
    response = client.get(SUMMARY, query_string=query, headers=basic_auth())
    assert response.status_code == 200, response.json
    return response.json


def test_no_message_with_a_link_no_links(client, send):
    send(message(content="Nothing to click"))
    assert summary(client) == {
        "total_clicks": 0,
        "unique_clicks": 0,
        "total_views": 0,
        "unique_views": 0,
        "short_urls_generated": 0,
        "short_urls": [],
        "pagination": {"page": 1, "page_size": 100, "page_count": 0},
    }


def test_each_url_of_each_message_is_a_tracked_link(client, linked):
    found = summary(client)
    assert found["short_urls_generated"] == 3
    links = [(link["message_id"], link["long_url"]) for link in found["short_urls"]]
    assert links == [
        (linked[0]["message_id"], "https://example.com/order/42"),
        (linked[1]["message_id"], "http://example.org"),
        (linked[1]["message_id"], "https://example.com/order/42"),
    ]
    short_urls = {link["short_url"] for link in found["short_urls"]}
    assert len(short_urls) == 3 and all(url.startswith("https://nxt.to/") for url in short_urls)


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"key": "shop"}, 1),
        ({"key": "shop", "value": "south"}, 0),
        ({"url": "https://example.com/order/42"}, 2),
        ({"recipient": "+61491570157"}, 2),
        ({"page": 2, "pageSize": 2}, 1),
    ],
)
def test_the_summary_filters_and_pages(client, linked, query, count):
    assert len(summary(client, **query)["short_urls"]) == count


def test_a_short_url_is_found_by_its_code(client, linked):
    link = summary(client, key="shop")["short_urls"][0]
    code = link["short_url"].rsplit("/", 1)[1]
    response = client.get(DETAIL, query_string={"hash": code}, headers=basic_auth())
    assert response.status_code == 200
    assert response.json["long_url"] == "https://example.com/order/42"
    assert response.json["destination_number"] == HANDSET
    assert (response.json["clicks"], response.json["views"]) == ([], [])
    other = client.get(DETAIL, query_string={"hash": code}, headers=basic_auth(OTHER))
    assert other.status_code == 404
    assert (
        client.get(DETAIL, query_string={"hash": "zzzzzzz"}, headers=basic_auth()).status_code
        == 404
    )


def test_an_account_sees_only_its_own_links(client, linked):
    response = client.get(SUMMARY, headers=basic_auth(OTHER))
    assert response.json["short_urls_generated"] == 0


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        (SUMMARY, "page=0", "page"),
        (SUMMARY, "page=1.5", "page"),
        (SUMMARY, "pageSize=101", "pageSize"),
        (SUMMARY, "value=north", "key"),
        (DETAIL, "", "hash"),
        (DETAIL, "hash=abc&pageSize=x", "pageSize"),
    ],
)
def test_bad_queries_are_400s_naming_the_field(client, path, query, field):
    response = client.get(f"{path}?{query}", headers=basic_auth())
    assert response.status_code == 400
    assert response.json["details"][0].startswith(f"{field}: "), response.json
