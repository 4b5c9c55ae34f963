"""/v1/messaging/numbers/dedicated: the pool's available numbers, one number, and the account's
assignments, taken, read, changed and released."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, NUMBER_TAKEN, v1_operation
from emulator.schemas.dedicated_numbers import (
    AssignedNumbersListSchema,
    AssignedNumbersQuerySchema,
    AssignmentChangesSchema,
    AssignmentRequestSchema,
    AssignmentSchema,
    AvailableNumbersQuerySchema,
    DedicatedNumberSchema,
    NumbersListSchema,
    number_filter,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

dedicated_numbers = Blueprint("dedicated_numbers", __name__)

TAG = "Dedicated Numbers"
PREFIX = "/messaging/numbers/dedicated"
_EXAMPLE = {"label": "ExampleLabel", "metadata": {"Key1": "value1", "Key2": "value2"}}

_available_query = AvailableNumbersQuerySchema()
_assigned_query = AssignedNumbersQuerySchema()
_numbers = NumbersListSchema()
_number = DedicatedNumberSchema()
_assigned = AssignedNumbersListSchema()
_assignment = AssignmentSchema()
_create = AssignmentRequestSchema()
_changes = AssignmentChangesSchema()


def _query_arguments(multiple: tuple[str, ...]) -> dict[str, object]:
    """The query string, with every value of the parameters that may be repeated; a parameter
    given empty (`?matching=`) is no filter."""
    arguments: dict[str, object] = {k: v for k, v in request.args.items() if v != ""}
    for name in multiple:
        values = [value for value in request.args.getlist(name) if value != ""]
        if values:
            arguments[name] = values
    return arguments


# The spec's path ends in a slash; clients also call it without one, which is served alike.
@dedicated_numbers.get(f"{PREFIX}/", strict_slashes=False)
@v1_operation(
    "GetNumbers",
    "A page of the pool's numbers no account holds, filtered by country, digits and capabilities",
    TAG,
    {200: ("A page of numbers", NumbersListSchema)} | BAD_REQUEST,
    query=AvailableNumbersQuerySchema,
)
def get_numbers() -> ResponseReturnValue:
    query = load_or_reject(_available_query, _query_arguments(("service_types",)))
    service = current_emulator().dedicated_numbers
    answer = service.available(number_filter(query), query["page_size"], query.get("token"))
    return respond(_numbers, answer)


@dedicated_numbers.get(f"{PREFIX}/assignments")
@v1_operation(
    "GetAssignedNumbers",
    "A page of the account's numbers with their assignments, filtered and sorted",
    TAG,
    {200: ("A page of assigned numbers", AssignedNumbersListSchema)} | BAD_REQUEST,
    query=AssignedNumbersQuerySchema,
)
def get_assigned_numbers() -> ResponseReturnValue:
    query = load_or_reject(_assigned_query, _query_arguments(("service_types", "types")))
    service = current_emulator().dedicated_numbers
    return respond(_assigned, service.assigned(account_id(), number_filter(query), query))


@dedicated_numbers.get(f"{PREFIX}/<id>")
@v1_operation(
    "GetNumberById",
    "One number of the pool, whether or not an account holds it",
    TAG,
    {200: ("The number", DedicatedNumberSchema)} | NOT_FOUND,
)
def get_number_by_id(id: str) -> ResponseReturnValue:
    return respond(_number, current_emulator().dedicated_numbers.number(id))


@dedicated_numbers.get(f"{PREFIX}/<numberId>/assignment")
@v1_operation(
    "GetAssignment",
    "The account's assignment of the number: its label and metadata",
    TAG,
    {200: ("The assignment", AssignmentSchema)} | NOT_FOUND,
)
def get_assignment(numberId: str) -> ResponseReturnValue:
    service = current_emulator().dedicated_numbers
    return respond(_assignment, service.assignment(account_id(), numberId))


@dedicated_numbers.post(f"{PREFIX}/<numberId>/assignment")
@v1_operation(
    "CreateAssignment",
    "Take the number: it is the account's source number at once",
    TAG,
    {201: ("Assigned", AssignmentSchema)} | BAD_REQUEST | NOT_FOUND | NUMBER_TAKEN,
    body=AssignmentRequestSchema,
    example=_EXAMPLE,
)
def create_assignment(numberId: str) -> ResponseReturnValue:
    body = load_or_reject(_create, json_body())
    service = current_emulator().dedicated_numbers
    answer = service.assign(account_id(), numberId, body.get("label"), body["metadata"])
    return respond(_assignment, answer, 201)


@dedicated_numbers.patch(f"{PREFIX}/<numberId>/assignment")
@v1_operation(
    "UpdateAssignment",
    "Replace the assignment's label, metadata or both",
    TAG,
    {200: ("The assignment as it now is", AssignmentSchema)} | BAD_REQUEST | NOT_FOUND,
    body=AssignmentChangesSchema,
    example=_EXAMPLE,
)
def update_assignment(numberId: str) -> ResponseReturnValue:
    changes = load_or_reject(_changes, json_body())
    service = current_emulator().dedicated_numbers
    return respond(_assignment, service.update(account_id(), numberId, changes))


@dedicated_numbers.delete(f"{PREFIX}/<numberId>/assignment")
@v1_operation(
    "DeleteAssignment",
    "Release the number: it is no longer the account's source number",
    TAG,
    {204: ("Released", None)} | NOT_FOUND,
)
def delete_assignment(numberId: str) -> ResponseReturnValue:
    current_emulator().dedicated_numbers.release(account_id(), numberId)
    return "", 204
