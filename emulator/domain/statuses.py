"""The statuses of a message, in the order it passes through them, and of a webhook delivery."""

from __future__ import annotations

SCHEDULED = "scheduled"
QUEUED = "queued"
ENROUTE = "enroute"
SUBMITTED = "submitted"
DELIVERED = "delivered"
EXPIRED = "expired"
REJECTED = "rejected"
FAILED = "failed"
CANCELLED = "cancelled"

# The order a message moves in; it ends at one of the final statuses.
LIFECYCLE_ORDER = (SCHEDULED, QUEUED, ENROUTE, SUBMITTED)
FINAL_STATUSES = frozenset({DELIVERED, EXPIRED, REJECTED, FAILED, CANCELLED})
NOT_YET_SUBMITTED = frozenset({SCHEDULED, QUEUED, ENROUTE})
MESSAGE_STATUSES = (*LIFECYCLE_ORDER, DELIVERED, EXPIRED, REJECTED, FAILED, CANCELLED)

# A webhook delivery is pending until an attempt succeeds or the attempts run out.
WEBHOOK_PENDING = "pending"
WEBHOOK_DELIVERED = "delivered"
WEBHOOK_FAILED = "failed"
