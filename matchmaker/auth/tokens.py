"""Personal access tokens: create (shown once), list, revoke, and find the token a request carries.

A token is ``mg_pat_`` followed by 32 random bytes (base64url): the prefix makes a leaked
token recognisable to secret scanners and in a log line, the random part makes guessing
pointless. Only its SHA-256 hash is stored; a plain hash (not scrypt) is enough for a
256-bit random secret and keeps the look-up to one indexed query per API request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ..audit import record_audit
from ..extensions import db
from ..models import ApiToken, ApiTokenScope, User, utcnow

TOKEN_PREFIX = "mg_pat_"  # noqa: S105 - a public marker, not a secret
# How long a token may live, in days: the account page offers these.
LIFETIMES = (30, 90, 365)
# Shown on the account page so that she can tell her tokens apart; reveals 4 random characters.
DISPLAY_LENGTH = len(TOKEN_PREFIX) + 4
# A user with more live tokens than this is doing something odd (or a script is leaking them).
MAX_LIVE_TOKENS = 20


class TokenError(ValueError):
    """A token request was refused; ``code`` says why (``too_many``, ``bad_scope``, ``bad_lifetime``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewToken:
    """A token just created: the stored row and the secret, which is never available again."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The stored form of a token: its SHA-256 digest in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def live_tokens(user: User, now: dt.datetime | None = None) -> list[ApiToken]:
    """``user``'s tokens that are neither revoked nor expired."""
    now = now or utcnow()
    return [token for token in user_tokens(user) if token.usable(now)]


def user_tokens(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first (revoked and expired ones included, for her record)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(user: User, name: str, scope: str, lifetime_days: int) -> NewToken:
    """Create a token for ``user`` and commit it; the secret is in the result and nowhere else."""
    if scope not in ApiTokenScope.ALL:
        raise TokenError("bad_scope")
    if lifetime_days not in LIFETIMES:
        raise TokenError("bad_lifetime")
    if len(live_tokens(user)) >= MAX_LIVE_TOKENS:
        raise TokenError("too_many")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=hash_token(secret),
        display_prefix=secret[:DISPLAY_LENGTH],
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=lifetime_days),
    )
    db.session.add(token)
    db.session.flush()
    record_audit(user, "api_token.created", "api_token", token.id, scope=scope, days=lifetime_days)
    db.session.commit()
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens (committed); None when she has no such token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if not token.revoked:
        token.revoked = True
        token.revoked_at = utcnow()
        record_audit(user, "api_token.revoked", "api_token", token.id)
        db.session.commit()
    return token


def find_token(secret: str) -> ApiToken | None:
    """The usable token whose secret is ``secret``, if its owner may still log in; else None.

    A revoked or expired token, or one whose owner is disabled, pending or rejected, stops
    working at once, exactly as her session would.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.usable(utcnow()):
        return None
    if token.user is None or not token.user.is_active:
        return None
    return token
