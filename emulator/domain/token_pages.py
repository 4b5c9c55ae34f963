"""Pages of a list that continue after the item a `next_token` names, as the numbering APIs
page their lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


class UnknownToken(ValueError):
    """A token that names no item of the list."""


def page_after(
    items: Sequence[Item], token: str | None, size: int, key: Callable[[Item], str]
) -> tuple[list[Item], str | None]:
    """Up to `size` items after the one whose `key` is `token` (from the first without one),
    and the token of the following page: the key of this page's last item, None on the last
    page. UnknownToken when no item has that key."""
    start = 0
    if token is not None:
        keys = [key(item) for item in items]
        if token not in keys:
            raise UnknownToken(token)
        start = keys.index(token) + 1
    page = list(items[start : start + size])
    following = key(page[-1]) if page and start + size < len(items) else None
    return page, following
