"""One running emulator: its settings, store, clock, engine and the services built on them."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.auth import Authenticator
from emulator.clock import Clock
from emulator.domain.accounts import AccountDirectory
from emulator.domain.outcomes import OutcomeRules
from emulator.engine.engine import Engine
from emulator.services.account_webhooks import WebhookService
from emulator.services.async_reports import AsyncReportService
from emulator.services.blacklist import BlacklistService
from emulator.services.chaos_rules import ChaosService
from emulator.services.dedicated_numbers import DedicatedNumberService
from emulator.services.features import FeatureService
from emulator.services.inbox import InboxService
from emulator.services.link_tracking import LinkTrackingService
from emulator.services.lookups import LookupService
from emulator.services.messages import MessageService
from emulator.services.replies import ReplyService
from emulator.services.reporting import ReportingService
from emulator.services.scheduled_reports import ScheduledReportService
from emulator.services.sender_addresses import SenderAddressService
from emulator.services.signature_keys import SignatureKeyService
from emulator.settings import Settings
from emulator.store import Store


@dataclass
class Emulator:
    """The parts `create_app` wires once and every request shares."""

    settings: Settings
    store: Store
    clock: Clock
    accounts: AccountDirectory
    outcomes: OutcomeRules
    authenticator: Authenticator
    engine: Engine
    features: FeatureService
    messages: MessageService
    inbox: InboxService
    replies: ReplyService
    webhooks: WebhookService
    signature_keys: SignatureKeyService
    blacklist: BlacklistService
    lookups: LookupService
    chaos: ChaosService
    dedicated_numbers: DedicatedNumberService
    sender_addresses: SenderAddressService
    reporting: ReportingService
    async_reports: AsyncReportService
    scheduled_reports: ScheduledReportService
    link_tracking: LinkTrackingService

    def start(self) -> None:
        """Start the engine's periodic jobs (the server does; tests may drive time instead)."""
        self.engine.start()

    def start_after_fork(self) -> Emulator:
        """In a worker process forked from the one that built it: open this process's own
        store connections (those before the fork are the parent's), then start the engine."""
        self.store.after_fork()
        self.start()
        return self

    def close(self, grace_seconds: float | None = None) -> None:
        """Stop the engine, let webhook attempts in flight finish (waiting at most
        `grace_seconds`), and release the store."""
        self.engine.stop(grace_seconds)
        self.store.close()

    def reset(self) -> None:
        """Forget every message, report, reply, webhook delivery, account webhook, signature key,
        blacklisted number and feature change; back to real time, and to the --chaos file's
        fault injection rules."""
        self.engine.forget_everything()
        self.chaos.restore_startup_rules()
