"""The parts of one running emulator, wired once by `create_app` and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.accounts import AccountDirectory
from emulator.auth import Authenticator
from emulator.clock import Clock
from emulator.services.inbox import InboxService
from emulator.services.messages import MessageService
from emulator.settings import Settings
from emulator.store import Store


@dataclass
class Emulator:
    """Settings, store, clock, accounts and the services built on them."""

    settings: Settings
    store: Store
    clock: Clock
    accounts: AccountDirectory
    authenticator: Authenticator
    messages: MessageService
    inbox: InboxService

    @classmethod
    def build(cls, settings: Settings, store: Store | None = None, clock: Clock | None = None):
        store = store or Store(settings.database_url)
        clock = clock or Clock()
        accounts = AccountDirectory.from_fixtures(settings.fixtures)
        return cls(
            settings=settings,
            store=store,
            clock=clock,
            accounts=accounts,
            authenticator=Authenticator(accounts, settings.hmac_date_window_seconds),
            messages=MessageService(store, clock),
            inbox=InboxService(store, clock),
        )

    def reset(self) -> None:
        """Forget every message, report and reply, and go back to real time; accounts stay."""
        self.store.clear()
        self.clock.reset()
