"""The parts of one running emulator, wired once by `create_app` and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.accounts import AccountDirectory
from emulator.auth import Authenticator
from emulator.clock import Clock
from emulator.engine.engine import Engine
from emulator.engine.handsets import HandsetScripts
from emulator.engine.outcomes import OutcomeRules
from emulator.engine.webhooks import WebhookSender
from emulator.services.acceptance import AcceptancePolicy
from emulator.services.accounts import AccountService
from emulator.services.inbox import InboxService
from emulator.services.messages import MessageService
from emulator.services.replies import ReplyService
from emulator.settings import Settings
from emulator.store import Store


@dataclass
class Emulator:
    """Settings, store, clock, accounts, the engine and the services built on them."""

    settings: Settings
    store: Store
    clock: Clock
    accounts: AccountDirectory
    outcomes: OutcomeRules
    authenticator: Authenticator
    engine: Engine
    account_service: AccountService
    messages: MessageService
    inbox: InboxService
    replies: ReplyService

    @classmethod
    def build(cls, settings: Settings, store: Store | None = None, clock: Clock | None = None):
        store = store or Store(settings.database_url)
        clock = clock or Clock()
        accounts = AccountDirectory.from_fixtures(settings.fixtures)
        outcomes = OutcomeRules.from_fixtures(settings.fixtures)
        engine = Engine(
            store,
            clock,
            settings.step_delays,
            settings.retry_policy,
            WebhookSender(settings.webhook_timeout_seconds),
            HandsetScripts.from_fixtures(settings.fixtures),
            workers=settings.webhook_workers,
            tick_seconds=settings.tick_seconds,
        )
        account_service = AccountService(accounts, store)
        return cls(
            settings=settings,
            store=store,
            clock=clock,
            accounts=accounts,
            outcomes=outcomes,
            authenticator=Authenticator(accounts, settings.hmac_date_window_seconds),
            engine=engine,
            account_service=account_service,
            messages=MessageService(
                store,
                clock,
                account_service,
                AcceptancePolicy(store, outcomes, settings.step_delays),
                on_due_now=engine.wake,
            ),
            inbox=InboxService(store, clock),
            replies=ReplyService(store, clock, accounts),
        )

    def start(self) -> None:
        """Start the engine's periodic jobs (the server does; tests may drive time instead)."""
        self.engine.start()

    def close(self) -> None:
        """Stop the engine, let webhook attempts in flight finish, and release the store."""
        self.engine.stop()
        self.store.close()

    def reset(self) -> None:
        """Forget every message, report, reply, webhook and feature change; back to real time."""
        with self.engine.paused():
            self.store.clear()
            self.clock.reset()
