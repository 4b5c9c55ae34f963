"""Opt-out and opt-in keywords: fixture data that makes a handset's reply put its number on the
account's blacklist, or take it off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from emulator.domain.records import Reply

DEFAULT_OPT_OUT = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
DEFAULT_OPT_IN = ("START",)


@dataclass(frozen=True)
class BlacklistChange:
    """A number blocked (or unblocked) for an account from `at` on."""

    account_id: str
    number: str
    at: datetime
    blocked: bool


@dataclass(frozen=True)
class Keywords:
    """A reply that is one of these words alone (any case, surrounding white space ignored)
    opts its handset out of the account's messages, or back in."""

    opt_out: frozenset[str] = frozenset(DEFAULT_OPT_OUT)
    opt_in: frozenset[str] = frozenset(DEFAULT_OPT_IN)

    @classmethod
    def of(cls, opt_out: list[str], opt_in: list[str]) -> Keywords:
        return cls(frozenset(w.upper() for w in opt_out), frozenset(w.upper() for w in opt_in))

    def opts_out(self, content: str) -> bool:
        return content.strip().upper() in self.opt_out

    def opts_in(self, content: str) -> bool:
        return content.strip().upper() in self.opt_in

    def blacklist_change(self, reply: Reply) -> BlacklistChange | None:
        """What the reply does to its account's blacklist, as of when it is received."""
        if self.opts_out(reply["content"]):
            blocked = True
        elif self.opts_in(reply["content"]):
            blocked = False
        else:
            return None
        return BlacklistChange(
            reply["account_id"], reply["source_number"], reply["date_received"], blocked
        )
