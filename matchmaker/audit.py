"""The audit trail of sensitive actions."""

from __future__ import annotations

from typing import Any

from .extensions import db
from .models import AuditEvent, User


def record_audit(
    actor: User | None,
    action: str,
    target_type: str | None = None,
    target_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an :class:`AuditEvent` to the session; the caller's transaction commits it.

    ``detail`` must carry ids and counts only, never personal data.
    """
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    db.session.add(event)
    return event
