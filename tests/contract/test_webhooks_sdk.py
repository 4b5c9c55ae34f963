"""Every operation of the official Webhooks SDK (messagemedia-webhooks-sdk 1.0.0), unmodified,
against a live emulator; a webhook it creates then fires."""

from __future__ import annotations

from tests.support import basic_auth, message

NOT_FOUND = {"raised": "APIException", "code": 404, "body": {"message": "Resource not found"}}


def test_every_operation_of_the_webhooks_sdk(run_sdk_operations, receivers, http, advance):
    receiver = receivers()

    seen = run_sdk_operations("webhooks_sdk_operations", MM_RECEIVER_URL=receiver.url)

    created = seen["created"]["returned"]
    assert created == {
        "url": "https://webhook.example.com/mm",
        "method": "POST",
        "id": created["id"],
        "encoding": "JSON",
        "events": ["ENROUTE_DR", "DELIVERED_DR"],
        "headers": {"Account": "DeveloperPortal7000"},
        "template": '{"id":"$mtId","status":"$statusCode"}',
        "read_timeout": 20000,
        "retries": 3,
        "retry_delay": 30,
    }
    assert seen["duplicate"] == {
        "raised": "CreateWebhook400ResponseException",
        "code": 409,
        "body": {"message": "A webhook with the given url and method already exists."},
    }
    assert seen["invalid"]["code"] == 400
    assert seen["invalid"]["body"]["details"] == ["url: Not a valid URL."]
    assert seen["listed"]["returned"] == {"page": 0, "pageSize": 100, "pageData": [created]}
    assert seen["paged"]["returned"] == {"page": 0, "pageSize": 1, "pageData": [created]}
    assert (seen["bad_page"]["raised"], seen["bad_page"]["code"]) == (
        "RetrieveWebhook400ResponseException",
        400,
    )
    # The SDK sends null for every field it was not given: they keep their values.
    assert seen["updated"]["returned"] == {**created, "method": "PUT", "events": ["FAILED_DR"]}
    assert seen["update_unknown"] == NOT_FOUND
    assert seen["deleted"] == {"returned": None}
    assert seen["delete_unknown"] == NOT_FOUND
    assert seen["other_account"]["returned"]["pageData"] == []

    firing = seen["firing"]["returned"]
    listed = http.get("/v1/webhooks/messages", headers=basic_auth()).json()["pageData"]
    assert listed == [firing]
    sent = http.post(
        "/v1/messages", json={"messages": [message(delivery_report=True)]}, headers=basic_auth()
    ).json()["messages"][0]
    advance(5)
    assert receiver.payloads == [{"message": sent["message_id"], "status": "delivered"}]
