"""The pytest plugin, run in fresh pytest processes with pytester as a user's suite would be."""

from __future__ import annotations

from pathlib import Path

from tests.support import run_users_suite

USER_SUITE = Path(__file__).parent / "user_suite" / "test_user_suite.py"


def test_the_documented_user_suite_passes_on_its_own(pytester):
    pytester.makepyfile(test_user_suite=USER_SUITE.read_text())
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=4)


def test_helpers_and_serve_arguments_from_the_ini_file(pytester):
    pytester.makeini("[pytest]\nmm_emulator_args = --instant\n")
    pytester.makepyfile(
        test_helpers="""
        import json

        import pytest
        import urllib3

        def send(mm_emulator, **fields):
            body = {"messages": [{"content": "Hi", "destination_number": "+61491570156", **fields}]}
            credentials = f"{mm_emulator.api_key}:{mm_emulator.api_secret}"
            headers = urllib3.make_headers(basic_auth=credentials)
            headers["Content-Type"] = "application/json"
            url = mm_emulator.base_url + "/v1/messages"
            http = urllib3.PoolManager()
            response = http.request("POST", url, body=json.dumps(body), headers=headers)
            assert response.status == 202
            return json.loads(response.data)["messages"][0]["message_id"]

        def test_instant_mode_and_wait_for_status(mm_emulator):
            message_id = send(mm_emulator)
            delivered = mm_emulator.wait_for_status(message_id, "delivered", timeout=5)
            assert delivered["account_id"] == "DemoAccount"

        def test_features_webhooks_and_replies(mm_emulator):
            changed = mm_emulator.set_features(deduplication=True)
            assert changed["features"]["deduplication"] is True
            hook = "http://127.0.0.1:9/nowhere"
            first = send(mm_emulator, callback_url=hook, delivery_report=True)
            second = send(mm_emulator)
            mm_emulator.wait_for_status(second, "rejected")
            assert mm_emulator.webhooks(message_id=first)
            reply = mm_emulator.reply("+61491570156", "Thanks")
            assert reply["message_id"] == second

        def test_reset_restores_features(mm_emulator):
            assert mm_emulator.set_features()["features"]["deduplication"] is False

        def test_wait_for_status_fails_clearly(mm_emulator):
            message_id = send(mm_emulator)
            mm_emulator.wait_for_status(message_id, "delivered")
            with pytest.raises(AssertionError, match="is delivered, not failed"):
                mm_emulator.wait_for_status(message_id, "failed", timeout=0.2)
        """
    )
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=4)


def test_events_and_wait_for_event(pytester):
    pytester.makepyfile(
        test_events="""
        import json

        import pytest
        import urllib3

        def send(mm_emulator, **fields):
            body = {"messages": [{"content": "Hi", "destination_number": "+61491570156", **fields}]}
            credentials = f"{mm_emulator.api_key}:{mm_emulator.api_secret}"
            headers = urllib3.make_headers(basic_auth=credentials)
            headers["Content-Type"] = "application/json"
            url = mm_emulator.base_url + "/v1/messages"
            http = urllib3.PoolManager()
            response = http.request("POST", url, body=json.dumps(body), headers=headers)
            assert response.status == 202
            return json.loads(response.data)["messages"][0]["message_id"]

        def test_the_log_starts_empty_after_the_reset(mm_emulator):
            assert [event["kind"] for event in mm_emulator.events()] == ["reset"]

        def test_events_by_cursor_and_waiting_for_one(mm_emulator):
            sent = send(mm_emulator, delivery_report=True)
            mm_emulator.advance(10)
            delivered = mm_emulator.wait_for_event(
                "status_changed", message_id=sent, status="delivered"
            )
            assert delivered["number"] == "+61491570156"
            assert delivered["data"]["error_code"] == "220"
            later = mm_emulator.events(after=delivered["seq"])
            assert [event["kind"] for event in later] == ["delivery_report"]
            reply = mm_emulator.reply("+61491570156", "Thanks")
            found = mm_emulator.wait_for_event("reply", number="+61491570156")
            assert found["data"]["reply_id"] == reply["reply_id"]

        def test_wait_for_event_fails_clearly(mm_emulator):
            send(mm_emulator)
            expected = "no reply event .*latest events: reset, message_accepted"
            with pytest.raises(AssertionError, match=expected):
                mm_emulator.wait_for_event("reply", timeout=0.2)
        """
    )
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=3)


def test_webhook_signature_key_and_verify_signature(pytester):
    pytester.makepyfile(
        test_signed="""
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import urllib3

        from emulator.pytest_plugin import verify_signature

        def receiver(public_key, seen):
            class Handler(BaseHTTPRequestHandler):
                def do_PUT(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    ok = verify_signature(public_key, "PUT", self.path, self.headers, body)
                    seen.append((json.loads(body), ok))
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

                def log_message(self, *args):
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            return server

        def test_a_signed_webhook_verifies(mm_emulator):
            key = mm_emulator.signature_key("SHA512")
            assert key["enabled"] is True and key["public_key"]
            seen = []
            server = receiver(key["public_key"], seen)
            url = f"http://127.0.0.1:{server.server_address[1]}/hook?from=mm"
            hook = mm_emulator.webhook(url, ["DELIVERED_DR"], '{"id": "$mtId"}', method="PUT")
            assert hook["method"] == "PUT"
            body = {"messages": [{"content": "Hi", "destination_number": "+61491570156",
                                  "delivery_report": True}]}
            headers = urllib3.make_headers(basic_auth="demo_api_key:demo_api_secret")
            headers["Content-Type"] = "application/json"
            sent = json.loads(urllib3.PoolManager().request(
                "POST", mm_emulator.base_url + "/v1/messages", body=json.dumps(body),
                headers=headers).data)["messages"][0]["message_id"]
            mm_emulator.advance(10)
            assert seen == [({"id": sent}, True)]
            assert not verify_signature(key["public_key"], "PUT", "/other", {}, b"")
            server.shutdown()
        """
    )
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=1)


def test_chaos_rules_for_a_block(pytester):
    pytester.makepyfile(
        test_chaos="""
        import urllib3

        def replies(mm_emulator):
            headers = urllib3.make_headers(basic_auth="demo_api_key:demo_api_secret")
            url = mm_emulator.base_url + "/v1/replies"
            return urllib3.PoolManager(retries=False).request("GET", url, headers=headers)

        def test_rules_hold_inside_the_block_only(mm_emulator):
            failing = {"path": "/v1/replies", "fault": {"status": 502}}
            quick = {"fault": {"latency_seconds": 0}}
            with mm_emulator.chaos(failing, quick) as rules:
                assert [rule["fault"] for rule in rules] == [failing["fault"], quick["fault"]]
                assert replies(mm_emulator).status == 502
            assert replies(mm_emulator).status == 200

        def test_a_reset_inside_the_block_is_fine(mm_emulator):
            with mm_emulator.chaos({"fault": {"status": 503}, "times": 1}):
                mm_emulator.reset()
            assert replies(mm_emulator).status == 200
        """
    )
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=2)
