"""/v1/iam/signature_keys: create, list, get and delete an account's signature keys, and enable,
show or disable the one that signs its callbacks."""

from __future__ import annotations

from flask import Blueprint, request

from emulator.api.authentication import account_id
from emulator.schemas.signature_keys import (
    CreatedSignatureKeySchema,
    CreateSignatureKeyRequestSchema,
    EnableSignatureKeyRequestSchema,
    SignatureKeySchema,
    key_id_or_reject,
    load_body,
    page_or_reject,
)
from emulator.web.requests import current_emulator, json_body, respond

signature_keys = Blueprint("signature_keys", __name__)

_create_request = CreateSignatureKeyRequestSchema()
_enable_request = EnableSignatureKeyRequestSchema()
_created = CreatedSignatureKeySchema()
_key = SignatureKeySchema()
_keys = SignatureKeySchema(many=True)


def _service():
    return current_emulator().signature_keys


@signature_keys.before_request
def require_the_feature() -> None:
    _service().check_feature(account_id())


@signature_keys.post("/iam/signature_keys")
def create_signature_key():
    body = load_body(_create_request, json_body())
    return respond(_created, _service().create(account_id(), body["digest"], body["cipher"]), 201)


@signature_keys.get("/iam/signature_keys")
def get_signature_key_list():
    page, size = page_or_reject(request.args.to_dict())
    return respond(_keys, _service().page(account_id(), page, size))


@signature_keys.get("/iam/signature_keys/<key_id>")
def get_signature_key_detail(key_id: str):
    return respond(_key, _service().get(account_id(), key_id_or_reject(key_id)))


@signature_keys.delete("/iam/signature_keys/<key_id>")
def delete_signature_key(key_id: str):
    _service().delete(account_id(), key_id_or_reject(key_id))
    return "", 200


@signature_keys.patch("/iam/signature_keys/enabled")
def enable_signature_key():
    body = load_body(_enable_request, json_body())
    return respond(_key, _service().enable(account_id(), body["key_id"]))


@signature_keys.get("/iam/signature_keys/enabled")
def get_enabled_signature_key():
    return respond(_key, _service().enabled(account_id()))


@signature_keys.delete("/iam/signature_keys/enabled")
def disable_enabled_signature_key():
    _service().disable(account_id())
    return "", 204
