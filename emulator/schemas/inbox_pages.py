"""The query of the web inbox's paged lists."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema

from emulator.schemas.fields import QueryInteger

# A page number the inbox's links never go near, and small enough that its offset fits a store.
LARGEST_INBOX_PAGE = 10**6


class InboxPageQuerySchema(Schema):
    """`?page=` (from 1) of the handsets and webhooks pages; their other parameters are filters."""

    class Meta:
        unknown = EXCLUDE

    page = QueryInteger(1, LARGEST_INBOX_PAGE, load_default=1)
