"""/v1/iam/signature_keys: create, list, get and delete an account's signature keys, and enable,
show or disable the one that signs its callbacks."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.openapi.operations import Answers, v1_operation
from emulator.schemas.common import BadRequestSchema, ErrorSchema
from emulator.schemas.signature_keys import (
    CreatedSignatureKeySchema,
    CreateSignatureKeyRequestSchema,
    EnableSignatureKeyRequestSchema,
    SignatureKeyPageQuerySchema,
    SignatureKeySchema,
    key_id_or_reject,
    load_body,
    page_or_reject,
)
from emulator.services.signature_keys import SignatureKeyService
from emulator.web.requests import current_emulator, json_body, respond

signature_keys = Blueprint("signature_keys", __name__)

_create_request = CreateSignatureKeyRequestSchema()
_enable_request = EnableSignatureKeyRequestSchema()
_created = CreatedSignatureKeySchema()
_key = SignatureKeySchema()
_keys = SignatureKeySchema(many=True)
TAG = "Signature Key Management"
FEATURE_OFF: Answers = {
    403: (
        (
            "Invalid authentication credentials, or an account without the signature_keys "
            "feature: This feature has not been enabled in your account."
        ),
        ErrorSchema,
    )
}
# The Signature Key API's own error bodies.
KEY_BAD_REQUEST: Answers = {400: ("Bad Request", BadRequestSchema)} | FEATURE_OFF
NO_SUCH_KEY: Answers = {404: ("Entity not found", ErrorSchema)}


def _service() -> SignatureKeyService:
    return current_emulator().signature_keys


@signature_keys.before_request
def require_the_feature() -> None:
    _service().check_feature(account_id())


@signature_keys.post("/iam/signature_keys")
@v1_operation(
    "CreateSignatureKey",
    "Create a key pair, not enabled; the answer holds its public key",
    TAG,
    {201: ("The key", CreatedSignatureKeySchema)} | KEY_BAD_REQUEST,
    body=CreateSignatureKeyRequestSchema,
    example={"digest": "SHA224", "cipher": "RSA"},
)
def create_signature_key() -> ResponseReturnValue:
    body = load_body(_create_request, json_body())
    return respond(_created, _service().create(account_id(), body["digest"], body["cipher"]), 201)


@signature_keys.get("/iam/signature_keys")
@v1_operation(
    "GetSignatureKeyList",
    "A page of the account's keys, newest first",
    TAG,
    {200: ("The keys", SignatureKeySchema(many=True))} | KEY_BAD_REQUEST,
    query=SignatureKeyPageQuerySchema,
)
def get_signature_key_list() -> ResponseReturnValue:
    page, size = page_or_reject(request.args.to_dict())
    return respond(_keys, _service().page(account_id(), page, size))


@signature_keys.get("/iam/signature_keys/<key_id>")
@v1_operation(
    "GetSignatureKeyDetail",
    "A key, without its public key",
    TAG,
    {200: ("The key", SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
)
def get_signature_key_detail(key_id: str) -> ResponseReturnValue:
    return respond(_key, _service().get(account_id(), key_id_or_reject(key_id)))


@signature_keys.delete("/iam/signature_keys/<key_id>")
@v1_operation(
    "DeleteSignatureKey",
    "Delete a key",
    TAG,
    {200: ("Deleted", None)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
)
def delete_signature_key(key_id: str) -> ResponseReturnValue:
    _service().delete(account_id(), key_id_or_reject(key_id))
    return "", 200


@signature_keys.patch("/iam/signature_keys/enabled")
@v1_operation(
    "EnableSignatureKey",
    "Enable a key, the one that signs callbacks; any other is disabled",
    TAG,
    {200: ("The key", SignatureKeySchema)} | KEY_BAD_REQUEST | NO_SUCH_KEY,
    body=EnableSignatureKeyRequestSchema,
    example={"key_id": "7ca628a8-08b0-4e42-aeb8-960b37049c31"},
)
def enable_signature_key() -> ResponseReturnValue:
    body = load_body(_enable_request, json_body())
    return respond(_key, _service().enable(account_id(), body["key_id"]))


@signature_keys.get("/iam/signature_keys/enabled")
@v1_operation(
    "GetEnabledSignatureKey",
    "The enabled key",
    TAG,
    {
        200: ("The key", SignatureKeySchema),
        404: ("Currently no key is enabled", ErrorSchema),
    }
    | FEATURE_OFF,
)
def get_enabled_signature_key() -> ResponseReturnValue:
    return respond(_key, _service().enabled(account_id()))


@signature_keys.delete("/iam/signature_keys/enabled")
@v1_operation(
    # The official operation ID, full stop included.
    "DisableTheCurrentEnabledSignatureKey.",
    "Disable the enabled key, if there is one",
    TAG,
    {204: ("No key is enabled now", None)} | FEATURE_OFF,
)
def disable_enabled_signature_key() -> ResponseReturnValue:
    _service().disable(account_id())
    return "", 204
