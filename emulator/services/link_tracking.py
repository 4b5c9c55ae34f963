"""The short trackable links reports without HTTP. A sent message carries a tracked link for
each http or https URL in its content; the emulator has no handsets that open links, so every
link shows no clicks and no views."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from emulator.clock import Clock
from emulator.domain.link_tracking import TrackedLink, tracked_links
from emulator.domain.retention import retention_cutoff
from emulator.errors import NotFound
from emulator.schemas.link_tracking import MAX_PAGE_SIZE
from emulator.store import Store
from emulator.store import reporting as stored_reports


class LinkTrackingService:
    """The tracked links of an account's messages within the 45-day retention."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def summary(self, account_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """The clicks and views of the links the query keeps, and a page of the links."""
        links = [link for link in self._links(account_id) if _kept(link, query)]
        page, size = query.get("page", 1), query.get("page_size", MAX_PAGE_SIZE)
        shown = links[(page - 1) * size : page * size]
        return {
            "total_clicks": 0,
            "unique_clicks": 0,
            "total_views": 0,
            "unique_views": 0,
            "short_urls_generated": len(links),
            "short_urls": [_short_url(link) for link in shown],
            "pagination": _pagination(page, size, len(links)),
        }

    def detail(self, account_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """One link by its code, with a page of its clicks and views; NotFound for a code no
        message of the account carries."""
        link = next((link for link in self._links(account_id) if link.hash == query["hash"]), None)
        if link is None:
            raise NotFound()
        page, size = query.get("page", 1), query.get("page_size", MAX_PAGE_SIZE)
        return {
            **_short_url(link),
            "clicks": [],
            "views": [],
            "pagination": _pagination(page, size, 0),
        }

    def _links(self, account_id: str) -> list[TrackedLink]:
        """The tracked links of the account's messages, oldest message first."""
        now = self._clock.now()
        with self._store.reading() as tx:
            sent = stored_reports.sent_between(
                tx, [account_id], retention_cutoff(now), now + timedelta(seconds=1)
            )
        return [
            link
            for message in sent
            for link in tracked_links(
                message["id"],
                message["content"],
                message["destination_number"],
                dict(message["metadata"] or {}),
            )
        ]


def _kept(link: TrackedLink, query: dict[str, Any]) -> bool:
    if "key" in query and link.metadata.get(query["key"]) is None:
        return False
    if "value" in query and link.metadata.get(query["key"]) != query["value"]:
        return False
    if "url" in query and link.long_url != query["url"]:
        return False
    return "recipient" not in query or link.destination_number == query["recipient"]


def _short_url(link: TrackedLink) -> dict[str, Any]:
    return {
        "click_count": 0,
        "view_count": 0,
        "message_id": link.message_id,
        "long_url": link.long_url,
        "short_url": link.short_url,
        "destination_number": link.destination_number,
    }


def _pagination(page: int, size: int, total: int) -> dict[str, int]:
    return {"page": page, "page_size": size, "page_count": math.ceil(total / size)}
