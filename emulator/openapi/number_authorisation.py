"""The Number Authorisation operations of the document: the account's blacklist."""

from __future__ import annotations

from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, TEXT, v1_operation
from emulator.schemas import number_authorisation as numbers

TAG = "Number Authorisation"

NUMBER_AUTHORISATION_OPERATIONS = [
    v1_operation(
        "get",
        "/v1/number_authorisation/mt/blacklist",
        "ListAllBlockedNumbers",
        "Up to 100 numbers of the blacklist, oldest first, and the token of the next page",
        TAG,
        {200: ("A page", numbers.BlacklistPageSchema)} | BAD_REQUEST,
        query=numbers.BlacklistQuerySchema,
    ),
    v1_operation(
        "post",
        "/v1/number_authorisation/mt/blacklist",
        "AddOneOrMoreNumbersToYourBacklist",
        "Add 1 to 10 numbers to the blacklist",
        TAG,
        {
            200: ("Every number was on the blacklist already", numbers.AddNumbersResponseSchema),
            201: ("Added", numbers.AddNumbersResponseSchema),
        }
        | BAD_REQUEST,
        body=numbers.AddNumbersRequestSchema,
        example={"numbers": ["+61491570156", "+61491570157"]},
    ),
    v1_operation(
        "delete",
        "/v1/number_authorisation/mt/blacklist/{number}",
        "RemoveANumberFromTheBlacklist",
        "Remove a number from the blacklist",
        TAG,
        {200: ("Removed; no body", TEXT)} | BAD_REQUEST | NOT_FOUND,
    ),
    v1_operation(
        "get",
        "/v1/number_authorisation/is_authorised/{numbers}",
        "CheckIfOneOrSeveralNumbersAreCurrentlyBlacklisted",
        "For 1 to 10 comma-separated numbers, whether the account may send to each",
        TAG,
        {200: ("Each number, once", numbers.AuthorisationsSchema)} | BAD_REQUEST,
    ),
]
