"""Account services shared by the HTML views, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record_audit
from ..extensions import db
from ..models import (
    Organization,
    OrgKind,
    OrgStatus,
    PasswordReset,
    Region,
    RegionLevel,
    Role,
    User,
    UserStatus,
    utcnow,
)
from ..refusals import Refusal

MIN_PASSWORD_LENGTH = 8


class AccountError(Refusal, ValueError):
    """A request about an account that cannot be carried out; ``code`` says why."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(code)
        self.detail = detail


@functools.cache
def _dummy_password_hash() -> str:
    """A hash made like real ones (see :meth:`User.set_password`) of a password nobody has."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, whatever its case, or ``None``."""
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


def authenticate(email: str, password: str) -> User:
    """Return the user these credentials belong to.

    Raises :class:`AccountError` with ``bad_credentials`` (unknown address or wrong
    password: the two are not told apart), ``pending``, ``rejected`` (with the
    coordinator's reason as ``detail``) or ``disabled``.
    """
    user = find_user_by_email(email)
    # An unknown address costs the same scrypt check as a known one, so that the time the
    # answer takes does not tell whether an account exists.
    stored_hash = user.password_hash if user is not None else _dummy_password_hash()
    if not check_password_hash(stored_hash, password) or user is None:
        raise AccountError("bad_credentials")
    if user.status == UserStatus.PENDING:
        organization = user.organization
        if organization is not None and organization.status == OrgStatus.REJECTED:
            raise AccountError("rejected", organization.rejection_reason)
        raise AccountError("pending")
    if user.status != UserStatus.ACTIVE:
        raise AccountError("disabled")
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    status: str = UserStatus.ACTIVE,
    phone: str | None = None,
    area_codes: list[str] | None = None,
    created_by: User | None = None,
) -> User:
    """Add a user to the session (not committed); raises ``email_taken`` for a used address."""
    if role not in Role.ALL:
        raise AccountError("bad_role")
    if find_user_by_email(email) is not None:
        raise AccountError("email_taken")
    user = User(
        email=User.normalize_email(email),
        name=name.strip(),
        role=role,
        status=status,
        phone=phone or None,
        created_by_id=created_by.id if created_by else None,
    )
    user.set_password(password)
    if area_codes:
        user.areas = list(db.session.scalars(select(Region).where(Region.code.in_(area_codes))))
    db.session.add(user)
    return user


def register_partner(
    *,
    kind: str,
    organization_name: str,
    desa_code: str,
    contact_name: str,
    email: str,
    phone: str | None,
    password: str,
) -> User | None:
    """Register a business or village office and its first user, both pending approval.

    An address that already has an account gets the same answer as a new one, so that the
    form does not tell who has an account: nothing is created, the existing account is left
    as it is, and the attempt is recorded in the audit trail for the coordinator and admin.
    Returns the new user, or ``None`` in that case.
    """
    if kind not in OrgKind.ALL:
        raise AccountError("bad_role")
    desa = db.session.get(Region, desa_code)
    if desa is None or desa.level != RegionLevel.VILLAGE:
        raise AccountError("bad_region")
    existing = find_user_by_email(email)
    if existing is not None:
        # The same scrypt work as creating the account, so that the timing does not tell either.
        generate_password_hash(password, method="scrypt")
        record_audit(None, "registration_email_taken", "user", existing.id, desa=desa.code)
        db.session.commit()
        return None
    user = create_user(
        email=email,
        name=contact_name,
        password=password,
        role=Role.BUSINESS if kind == OrgKind.BUSINESS else Role.VILLAGE_OFFICE,
        status=UserStatus.PENDING,
        phone=phone,
    )
    organization = Organization(
        kind=kind,
        name=organization_name.strip(),
        desa_code=desa.code,
        serves_code=desa.code if kind == OrgKind.VILLAGE_OFFICE else None,
        contact_person=contact_name.strip(),
        phone=phone or None,
        email=user.email,
        status=OrgStatus.PENDING,
    )
    db.session.add(organization)
    db.session.flush()
    organization.owner_id = user.id
    user.organization = organization
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change ``user``'s password after checking the current one.

    Every session of the account ends (see :class:`User`); the view logs the current one in again.
    """
    if not user.check_password(current_password):
        raise AccountError("bad_current_password")
    user.set_password(new_password)
    db.session.commit()


def log_out(user: User) -> None:
    """End ``user``'s sessions: a copy of the session or remember cookie opens nothing any more.

    The session generation is per account, so this ends her sessions on other devices too.
    """
    user.end_sessions()
    db.session.commit()


def log_out_everywhere(user: User) -> None:
    """"Log out on every device", asked by the account holder herself."""
    user.end_sessions()
    record_audit(user, "sessions_ended", "user", user.id)
    db.session.commit()


def set_language(user: User | None, language: str) -> None:
    """Remember ``language`` on the account so that every device shows it."""
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError("bad_language")
    if user is not None:
        user.preferred_language = language
        db.session.commit()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedReset:
    """A freshly issued reset: the plain code is shown once and never stored."""

    code: str
    expires_at: dt.datetime


def issue_password_reset(user: User, issued_by: User) -> IssuedReset:
    """Create a one-time reset code for ``user``, replacing any unused one."""
    now = utcnow()
    for previous in db.session.scalars(
        select(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    ):
        previous.used_at = now
    # Ten characters from an unambiguous alphabet: short enough to read out on the phone.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(10))
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    reset = PasswordReset(
        user_id=user.id,
        token_hash=_hash_token(code),
        issued_by_id=issued_by.id,
        expires_at=now + dt.timedelta(hours=hours),
    )
    db.session.add(reset)
    record_audit(issued_by, "password_reset_issued", "user", user.id)
    db.session.commit()
    return IssuedReset(code=code, expires_at=reset.expires_at)


def normalize_reset_code(code: str) -> str:
    """Accept a code typed with spaces, dashes or in lower case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def find_valid_reset(code: str) -> PasswordReset | None:
    """Return the unused, unexpired reset for ``code``, or ``None``."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _hash_token(normalize_reset_code(code)))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        return None
    return reset


def redeem_password_reset(code: str, new_password: str) -> User:
    """Set a new password with a reset code; the code then stops working."""
    reset = find_valid_reset(code)
    if reset is None:
        raise AccountError("bad_reset_code")
    reset.user.set_password(new_password)
    reset.used_at = utcnow()
    db.session.commit()
    return reset.user
