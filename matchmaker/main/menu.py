"""The main menu: which sections each role sees, and which one the current page belongs to.

The page header shows the current section's name on the closed menu button (phones), so the
"where am I" lives in one place: here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..models import Role, User


@dataclass(frozen=True)
class Section:
    """One entry of the menu: who sees it and which endpoints belong to it."""

    endpoint: str
    label: object
    roles: tuple[str, ...]
    endpoints: tuple[str, ...] = ()
    prefix: str | None = None
    label_for: dict[str, object] | None = None

    def owns(self, endpoint: str | None) -> bool:
        """Whether the page served by ``endpoint`` belongs to this section."""
        if not endpoint:
            return False
        if self.prefix and endpoint.startswith(self.prefix):
            return True
        return endpoint == self.endpoint or endpoint in self.endpoints


@dataclass(frozen=True)
class MenuItem:
    """A menu link as the template draws it."""

    url: str
    label: str
    current: bool


ALL_ROLES = tuple(Role.ALL)
STAFF = (Role.COORDINATOR, Role.ADMIN)
# In the order the menu shows them. Notifications are drawn apart (the bell stays in the bar).
SECTIONS: tuple[Section, ...] = (
    Section("main.home", _l("Home"), ALL_ROLES),
    Section("admin.organizations", _l("Partners to verify"), STAFF, prefix="admin.organization"),
    Section("admin.users", _l("Accounts"), STAFF, ("admin.new_user",)),
    Section("households.collisions_index", _l("NIK cases"), STAFF, ("households.collision",)),
    Section("partners.profile", _l("Profile"), tuple(Role.PARTNERS), ("partners.edit_profile", "partners.members")),
    Section("partners.my_offers", _l("Opportunities"), tuple(Role.PARTNERS),
            ("partners.new_offer", "partners.edit_offer", "partners.offer_detail"),
            label_for={Role.VILLAGE_OFFICE: _l("Programs")}),
    Section("partners.search", _l("Find partners"), (Role.FACILITATOR, Role.COORDINATOR, Role.ADMIN),
            ("partners.directory", "partners.organization", "partners.offer_detail")),
    # Her match and graduation pages are reached from her household page: they stay in this section.
    Section("households.index", _l("KPM households"), (Role.FACILITATOR, Role.COORDINATOR),
            ("matches.find", "matches.detail", "graduation.readiness", "graduation.graduate"), prefix="households."),
    Section("matches.batch", _l("Batch proposals"), STAFF),
    Section("matches.inbox", _l("Introductions"), tuple(Role.PARTNERS), ("matches.detail", "matches.candidates")),
    Section("graduation.checkins", _l("Check-ins"), (Role.FACILITATOR,), ("graduation.checkin",)),
    Section("graduation.queue", _l("Graduations"), (Role.COORDINATOR,), ("graduation.record",)),
    Section("admin.jobs", _l("Background jobs"), (Role.ADMIN,), ("jobs.detail",)),
    Section("auth.change_password", _l("Password"), ALL_ROLES),
)


def menu_items(user: User, endpoint: str | None) -> list[MenuItem]:
    """The menu links ``user`` sees, the one of the current page (``endpoint``) marked current."""
    items = []
    found = False
    for section in SECTIONS:
        if user.role not in section.roles:
            continue
        label = (section.label_for or {}).get(user.role, section.label)
        # One page, one current section: a NIK case (households.collision) is not also "KPM households".
        current = not found and section.owns(endpoint)
        found = found or current
        items.append(MenuItem(url_for(section.endpoint), str(label), current))
    return items


def current_section(items: list[MenuItem]) -> str | None:
    """The name of the section the page belongs to (the first that claims it), for the menu button."""
    return next((item.label for item in items if item.current), None)
