"""The pytest plugin serving HTTPS: the fixture's own calls and a user's client trust the
certificate whose path it hands out."""

from __future__ import annotations

from tests.support import run_users_suite


def test_the_fixture_serves_https_and_hands_out_the_certificate(pytester, monkeypatch, tmp_path):
    # A store in memory keeps its certificates in the user's application folder.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    pytester.makeini("[pytest]\nmm_emulator_args = --tls --instant\n")
    pytester.makepyfile(
        test_https="""
        import requests

        def test_a_send_over_https(mm_emulator):
            assert mm_emulator.base_url.startswith("https://127.0.0.1:")
            answer = requests.post(
                mm_emulator.base_url + "/v1/messages",
                json={"messages": [{"content": "Hi", "destination_number": "+61491570156"}]},
                auth=(mm_emulator.api_key, mm_emulator.api_secret),
                verify=mm_emulator.certificate_path,
            )
            assert answer.status_code == 202
            message_id = answer.json()["messages"][0]["message_id"]
            assert mm_emulator.wait_for_status(message_id, "delivered")["status"] == "delivered"

        def test_the_certificate_is_the_one_served(mm_emulator):
            with open(mm_emulator.certificate_path) as trusted:
                served = requests.get(
                    mm_emulator.base_url + "/_emulator/tls/certificate",
                    verify=mm_emulator.certificate_path,
                )
                assert served.text == trusted.read()
        """
    )
    result = run_users_suite(pytester)
    result.assert_outcomes(passed=2)
    assert (tmp_path / "config" / "mm-emulator" / "mm-emulator-ca.pem").is_file()


def test_plain_http_has_no_certificate(pytester):
    pytester.makepyfile(
        test_plain="""
        def test_plain(mm_emulator):
            assert mm_emulator.base_url.startswith("http://")
            assert mm_emulator.certificate_path is None
        """
    )
    run_users_suite(pytester).assert_outcomes(passed=1)
