"""Coordinator and administrator services: partner verification and account management."""

from __future__ import annotations

from sqlalchemy import select

from ..audit import record_audit
from ..auth.services import AccountError, IssuedReset, create_user, issue_password_reset
from ..extensions import db
from ..matches.workflow import withdraw_for_organization
from ..models import Organization, OrgStatus, Region, RegionLevel, Role, User, UserStatus, utcnow
from ..reference.resolver import resolve_region
from ..scoping import code_within, region_within


def organizations_for_review(reviewer: User, status: str = OrgStatus.PENDING) -> list[Organization]:
    """Organizations in ``status`` inside the reviewer's district, oldest first."""
    query = select(Organization).where(Organization.status == status).order_by(Organization.created_at)
    if reviewer.role != Role.ADMIN:
        query = query.where(region_within(Organization.desa_code, reviewer.area_codes))
    return list(db.session.scalars(query))


def get_reviewable_organization(reviewer: User, organization_id: int) -> Organization | None:
    """The organization if it lies in the reviewer's district, else ``None`` (shown as 404)."""
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        return None
    if reviewer.role != Role.ADMIN and not code_within(organization.desa_code, reviewer.area_codes):
        return None
    return organization


def approve_organization(reviewer: User, organization: Organization) -> None:
    """Verify an organization and activate its members' accounts."""
    # A suspended organization comes back through reinstate_organization, which keeps its history.
    if organization.status not in (OrgStatus.PENDING, OrgStatus.REJECTED):
        raise AccountError("not_pending")
    organization.status = OrgStatus.ACTIVE
    organization.rejection_reason = None
    organization.verified_at = utcnow()
    organization.verified_by_id = reviewer.id
    for member in organization.members:
        if member.status == UserStatus.PENDING:
            member.status = UserStatus.ACTIVE
    record_audit(reviewer, "organization_approved", "organization", organization.id)
    db.session.commit()


def reject_organization(reviewer: User, organization: Organization, reason: str) -> None:
    """Refuse a registration with a reason the applicant will read."""
    if organization.status != OrgStatus.PENDING:
        raise AccountError("not_pending")
    organization.status = OrgStatus.REJECTED
    organization.rejection_reason = reason.strip()
    withdrawn = withdraw_for_organization(reviewer, organization)
    record_audit(reviewer, "organization_rejected", "organization", organization.id, withdrawn=withdrawn)
    db.session.commit()


def suspend_organization(reviewer: User, organization: Organization, reason: str) -> None:
    """Suspend an active organization: its offers stop being proposed and it publishes nothing.

    Its members can still log in and read the reason; nothing they published is deleted. In the
    same transaction its unanswered introductions and requests are withdrawn (the facilitators
    are told); its members can take no step on any match and no longer see contact details.
    """
    if organization.status != OrgStatus.ACTIVE:
        raise AccountError("not_active")
    organization.status = OrgStatus.SUSPENDED
    organization.suspension_reason = reason.strip()
    organization.suspended_at = utcnow()
    organization.suspended_by_id = reviewer.id
    withdrawn = withdraw_for_organization(reviewer, organization)
    record_audit(reviewer, "organization_suspended", "organization", organization.id, withdrawn=withdrawn)
    db.session.commit()


def reinstate_organization(reviewer: User, organization: Organization) -> None:
    """Lift a suspension: the organization is active again and its open offers are proposed."""
    if organization.status != OrgStatus.SUSPENDED:
        raise AccountError("not_suspended")
    organization.status = OrgStatus.ACTIVE
    organization.suspension_reason = None
    organization.suspended_at = None
    organization.suspended_by_id = None
    record_audit(reviewer, "organization_reinstated", "organization", organization.id)
    db.session.commit()


def roles_creatable_by(user: User) -> tuple[str, ...]:
    """Coordinators create facilitators; the admin creates coordinators and facilitators."""
    if user.role == Role.ADMIN:
        return (Role.COORDINATOR, Role.FACILITATOR)
    if user.role == Role.COORDINATOR:
        return (Role.FACILITATOR,)
    return ()


def assignable_areas(user: User) -> list[Region]:
    """Regions ``user`` may assign: kecamatan and desa of a coordinator's district; kabupaten for the admin."""
    if user.role == Role.ADMIN:
        return list(
            db.session.scalars(select(Region).where(Region.level == RegionLevel.DISTRICT).order_by(Region.code))
        )
    return list(
        db.session.scalars(
            select(Region)
            .where(
                Region.level.in_((RegionLevel.SUBDISTRICT, RegionLevel.VILLAGE)),
                region_within(Region.code, user.area_codes),
            )
            .order_by(Region.code)
        )
    )


def area_levels(user: User) -> tuple[str, ...]:
    """The region levels ``user`` may assign: kabupaten for the admin, kecamatan and desa for a coordinator."""
    if user.role == Role.ADMIN:
        return (RegionLevel.DISTRICT,)
    return (RegionLevel.SUBDISTRICT, RegionLevel.VILLAGE)


def resolve_area(user: User, text: str | None, code: str | None, assignable: set[str]) -> str | None:
    """The area a region-picker row names: its picked ``code`` if ``user`` may assign it, else ``text`` resolved.

    Without JavaScript only the typed name arrives; it must name one assignable region, the wider
    level first (a kecamatan and a desa of the same name: the kecamatan; the desa with its
    kecamatan after a comma).
    """
    if code and code.strip() in assignable:
        return code.strip()
    if not text or not text.strip():
        return None
    withins = [None] if user.role == Role.ADMIN else list(user.area_codes)
    for level in area_levels(user):
        found = {
            match.code
            for within in withins
            if (match := resolve_region(text, level=level, within=within)) is not None and match.code in assignable
        }
        if len(found) == 1:
            return found.pop()
    return None


def create_staff_account(
    creator: User,
    *,
    role: str,
    email: str,
    name: str,
    phone: str | None,
    password: str,
    area_codes: list[str],
) -> User:
    """Create a facilitator or coordinator account with its assigned area."""
    if role not in roles_creatable_by(creator):
        raise AccountError("bad_role")
    if not area_codes:
        raise AccountError("no_area")
    if creator.role != Role.ADMIN and not all(code_within(code, creator.area_codes) for code in area_codes):
        raise AccountError("area_outside")
    user = create_user(
        email=email,
        name=name,
        password=password,
        role=role,
        phone=phone,
        area_codes=area_codes,
        created_by=creator,
    )
    db.session.flush()
    record_audit(creator, "user_created", "user", user.id, role=role)
    db.session.commit()
    return user


def manageable_users(manager: User) -> list[User]:
    """Accounts a coordinator looks after (her district's facilitators and partners); all for the admin."""
    users = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    if manager.role == Role.ADMIN:
        return [user for user in users if user.id != manager.id]
    return [user for user in users if can_manage(manager, user)]


def can_manage(manager: User, user: User) -> bool:
    """Whether ``manager`` may reset the password of, disable or log out ``user``."""
    if manager.id == user.id:
        return False
    if manager.role == Role.ADMIN:
        return True
    if manager.role != Role.COORDINATOR:
        return False
    if user.role == Role.FACILITATOR:
        return any(code_within(code, manager.area_codes) for code in user.area_codes)
    if user.role in Role.PARTNERS and user.organization is not None:
        return code_within(user.organization.desa_code, manager.area_codes)
    return False


def issue_reset_for(manager: User, user: User) -> IssuedReset:
    """Issue a one-time password-reset code, if ``manager`` looks after ``user``."""
    if not can_manage(manager, user):
        raise AccountError("not_allowed")
    return issue_password_reset(user, manager)


def set_user_enabled(manager: User, user: User, enabled: bool) -> None:
    """Disable an account (it can no longer log in) or enable it again."""
    if not can_manage(manager, user):
        raise AccountError("not_allowed")
    user.status = UserStatus.ACTIVE if enabled else UserStatus.DISABLED
    record_audit(manager, "user_enabled" if enabled else "user_disabled", "user", user.id)
    db.session.commit()


def end_sessions_of(manager: User, user: User) -> None:
    """Log ``user`` out on every device, if ``manager`` looks after her (a lost phone, a stolen password)."""
    if not can_manage(manager, user):
        raise AccountError("not_allowed")
    user.end_sessions()
    record_audit(manager, "sessions_ended", "user", user.id)
    db.session.commit()
