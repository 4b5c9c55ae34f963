"""Refusing a JSON body too big for its request before it is parsed (the checks are the
schemas'; this applies one to the current request)."""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from emulator.errors import BadRequest
from emulator.schemas.validation import INVALID_REQUEST


def refuse_oversized(problem_of: Callable[[bytes], str | None]) -> None:
    """BadRequest with the detail `problem_of` finds in the raw body of a JSON request, if any.
    A body of another type is left to the usual 415."""
    if not request.is_json:
        return
    problem = problem_of(request.get_data(cache=True))
    if problem is not None:
        raise BadRequest(INVALID_REQUEST, [problem])
