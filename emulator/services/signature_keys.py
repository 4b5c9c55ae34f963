"""The Signature Key API without HTTP: an account's key pairs, at most one of them enabled, for an
account with the signature_keys feature; the engine signs callbacks with the enabled one."""

from __future__ import annotations

from emulator.clock import Clock
from emulator.domain.ids import new_id
from emulator.domain.records import SignatureKey
from emulator.domain.signing import new_key_pair
from emulator.errors import FeatureNotEnabled, NotFound
from emulator.services.features import FeatureService
from emulator.store import Store, signature_keys

ENTITY_NOT_FOUND = "Entity not found"
NONE_ENABLED = "Currently no key is enabled"


class SignatureKeyService:
    """What happens when an account manages its signature keys."""

    def __init__(self, store: Store, clock: Clock, features: FeatureService) -> None:
        self._store = store
        self._clock = clock
        self._features = features

    def create(self, account_id: str, digest: str, cipher: str) -> SignatureKey:
        """A new key pair, not enabled."""
        pair = new_key_pair()
        key: SignatureKey = {
            "id": new_id(),
            "account_id": account_id,
            "digest": digest,
            "cipher": cipher,
            "public_key": pair.public_key,
            "private_key": pair.private_key,
            "enabled": False,
            "created_at": self._clock.now(),
        }
        with self._store.transaction() as tx:
            signature_keys.insert(tx, key)
        return key

    def get(self, account_id: str, key_id: str) -> SignatureKey:
        with self._store.reading() as tx:
            key = signature_keys.find(tx, account_id, key_id)
        if key is None:
            raise NotFound(ENTITY_NOT_FOUND)
        return key

    def page(self, account_id: str, page: int, page_size: int) -> list[SignatureKey]:
        """Page `page` (from 0) of the account's keys, newest first."""
        with self._store.reading() as tx:
            return signature_keys.page(tx, account_id, page * page_size, page_size)

    def delete(self, account_id: str, key_id: str) -> None:
        with self._store.transaction() as tx:
            deleted = signature_keys.delete(tx, account_id, key_id)
        if not deleted:
            raise NotFound(ENTITY_NOT_FOUND)

    def enable(self, account_id: str, key_id: str) -> SignatureKey:
        """Enable the key; the one enabled before, if any, is disabled."""
        with self._store.transaction() as tx:
            key = signature_keys.enable(tx, account_id, key_id)
        if key is None:
            raise NotFound(ENTITY_NOT_FOUND)
        return key

    def enabled(self, account_id: str) -> SignatureKey:
        key = self._store.kept(signature_keys.enabled, account_id)
        if key is None:
            raise NotFound(NONE_ENABLED)
        return key

    def disable(self, account_id: str) -> None:
        """Disable the enabled key; nothing to do is not an error."""
        with self._store.transaction() as tx:
            signature_keys.disable_all(tx, account_id)

    def check_feature(self, account_id: str) -> None:
        """FeatureNotEnabled for an account without the signature_keys feature: the API asks
        before it reads anything else of a request."""
        if not self._features.features(account_id).signature_keys:
            raise FeatureNotEnabled()
