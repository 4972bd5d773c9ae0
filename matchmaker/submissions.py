"""Once-only forms: a double tap on a slow connection creates one record, not two.

Each rendered form carries a random token. The request that saves the form claims the
token in the same transaction as the record it creates; a second request with the same
token finds it claimed (or waits on the database's unique index until the first one has
committed) and is sent to what the first one made. Tokens are anonymous and expire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import HiddenField

from .extensions import db
from .forms import AppForm
from .models import FormSubmission, User, utcnow

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Old tokens are swept now and then by the request that claims a new one.
KEEP_FOR = dt.timedelta(days=7)
SWEEP_EVERY = 200


def new_token() -> str:
    """A fresh submission token, for pages that render one small form per row."""
    return secrets.token_urlsafe(24)


class OnceOnlyForm(AppForm):
    """A form that creates something: it carries a one-time submission token."""

    submission_token = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not TOKEN_PATTERN.match(self.submission_token.data or ""):
            self.submission_token.data = new_token()


def claim(form: AppForm, user: User | None, *, fallback_url: str) -> str | None:
    """Claim ``form``'s token for this request; call after validation, before the write.

    Returns ``None`` when this is the first submission (the claim is flushed in the current
    transaction and commits with the record), or the URL to send a repeated submission to.
    Forms without a token (scripts, old pages) are not guarded.
    """
    token = getattr(form, "submission_token", None)
    token = token.data if token is not None else None
    if not token or not TOKEN_PATTERN.match(token):
        return None
    earlier = _earlier_url(token, fallback_url)
    if earlier is not None:
        return earlier
    submission = FormSubmission(token=token, user_id=user.id if user is not None else None)
    db.session.add(submission)
    try:
        # On PostgreSQL this waits for a concurrent twin to commit or roll back.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _earlier_url(token, fallback_url) or fallback_url
    if submission.id % SWEEP_EVERY == 0:
        db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEEP_FOR))
    return None


def complete(form: AppForm, result_url: str) -> None:
    """Remember where the first submission led, for its twins; commits."""
    token = getattr(form, "submission_token", None)
    if token is None or not token.data:
        return
    submission = db.session.scalar(select(FormSubmission).where(FormSubmission.token == token.data))
    if submission is not None:
        submission.result_url = result_url
        db.session.commit()


def redirect_to_earlier(url: str) -> Response:
    """Answer a repeated submission: nothing new was made, show what the first one made."""
    flash(_("This form was already sent; it was saved once."), "info")
    return redirect(url)


def _earlier_url(token: str, fallback_url: str) -> str | None:
    submission = db.session.scalar(select(FormSubmission).where(FormSubmission.token == token))
    if submission is None:
        return None
    return submission.result_url or fallback_url


# --- API requests with an Idempotency-Key -------------------------------------------------------
#
# The API's twin of the once-only form token: a script that retries a request (a timeout, a
# lost answer) sends the same ``Idempotency-Key`` header, and the change is applied once. The
# key is claimed in the same table and the same transaction as the change it guards; it is
# stored hashed with its user (two users may pick the same key), beside a digest of the request
# so that a key reused for another request is refused rather than answered with the wrong result.

IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the header's drafts allow


@dataclass(frozen=True)
class KeyedRequest:
    """An API request guarded by an ``Idempotency-Key``: its stored token and its digest."""

    token: str
    fingerprint: str
    path: str

    @classmethod
    def of(cls, user: User, key: str, method: str, path: str, body: Any) -> KeyedRequest:
        """The keyed request of ``user`` (``key`` as sent; the caller checked its pattern)."""
        token = "api-" + hashlib.sha256(f"{user.id}:{key}".encode()).hexdigest()[:60]
        payload = json.dumps([method, path, body], sort_keys=True, default=str).encode()
        return cls(token, hashlib.sha256(payload).hexdigest()[:32], path)


def keyed_earlier(request: KeyedRequest) -> bool | None:
    """Whether this key was already applied: ``True`` for the same request, ``False`` for a different
    one (the key was reused), ``None`` if it was never applied."""
    submission = db.session.scalar(select(FormSubmission).where(FormSubmission.token == request.token))
    if submission is None:
        return None
    return (submission.result_url or "").endswith("#" + request.fingerprint)


def claim_keyed(request: KeyedRequest, user: User) -> bool | None:
    """Claim the key for this request, in the current transaction (it commits with the change).

    Returns ``None`` when claimed now; otherwise what :func:`keyed_earlier` says of the twin that
    claimed it first (on PostgreSQL a concurrent twin is waited for on the unique index), after
    rolling back the current transaction.
    """
    submission = FormSubmission(token=request.token, user_id=user.id,
                                result_url=f"{request.path}#{request.fingerprint}"[-500:])
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return keyed_earlier(request)
    return None
