"""FeatureService: the features in force are the fixture's, with run-time changes merged over
them and kept in the store."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from emulator.errors import NotFound
from emulator.services.features import FeatureService
from emulator.settings import Settings
from emulator.store import housekeeping

ACCOUNTS = """
accounts:
  - id: Shop
    api_keys: [{key: shop_key, secret: shop_secret}]
    numbers: ["+61491570181", "+61491570182"]
    features:
      deduplication: true
      timezone: Australia/Perth
    sub_accounts:
      - Branch
"""


@pytest.fixture
def settings(tmp_path, store_db) -> Settings:
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "accounts.yaml").write_text(ACCOUNTS)
    return Settings(db=store_db, fixtures=str(fixtures))


def test_features_start_as_the_fixture_gives_them(features):
    assert asdict(features.features("Shop")) == {
        "deduplication": True,
        "social_sending": False,
        "timezone": "Australia/Perth",
        "familiar_sender": False,
        "character_converter": False,
        "unregistered_source": "reject",
        "signature_keys": False,
    }
    assert features.features("Branch").deduplication is False


def test_changes_merge_over_the_fixture_and_over_earlier_changes(features):
    features.change_features("Shop", {"social_sending": True})
    shown = features.change_features("Shop", {"familiar_sender": True, "deduplication": False})

    assert shown["features"] == {
        "deduplication": False,
        "social_sending": True,
        "timezone": "Australia/Perth",
        "familiar_sender": True,
        "character_converter": False,
        "unregistered_source": "reject",
        "signature_keys": False,
    }
    assert asdict(features.features("Shop")) == shown["features"]


def test_a_change_is_the_accounts_own(features):
    features.change_features("Shop", {"social_sending": True})
    assert features.features("Branch").social_sending is False


def test_changes_are_kept_in_the_store_and_cleared_with_it(accounts, store, features):
    features.change_features("Shop", {"character_converter": True})
    assert FeatureService(accounts, store).features("Shop").character_converter is True
    with store.transaction(alone=True) as tx:
        housekeeping.clear(tx)
    assert features.features("Shop").character_converter is False
    assert features.features("Shop").deduplication is True


def test_describe_shows_the_accounts_numbers_and_family(features):
    assert features.describe("Branch") == {
        "account_id": "Branch",
        "parent_account_id": "Shop",
        "sub_accounts": [],
        "numbers": ["+61491570181", "+61491570182"],
        "alpha_tags": [],
        "features": asdict(features.features("Branch")),
    }
    assert features.describe("Shop")["sub_accounts"] == ["Branch"]


def test_an_unknown_account_is_not_found(features):
    with pytest.raises(NotFound):
        features.features("DemoAccount")  # only the folder's accounts exist
    with pytest.raises(NotFound):
        features.change_features("Nobody", {"deduplication": True})
