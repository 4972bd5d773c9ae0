"""Plain input records for the ranking engine and loaders for judgments files.

The engine never sees ORM objects: the app converts its rows into these
dataclasses, which keeps the engine testable without a database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JUDGMENTS_FORMAT = "matchmaker-judgments/1"


@dataclass
class OfferRecord:
    """A partner's offer (job, apprenticeship, supplier deal, village programme...)."""

    id: str
    kind: str
    provider: str
    provider_type: str
    title: str
    description: str
    skills: list[str]
    village_code: str
    home_based: bool
    reach: str
    places: int
    places_taken: int
    hours_per_week: int | None
    status: str
    provider_id: str | None = None
    pending_proposals: int = 0
    canonical_skills: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Load balancing groups by provider; the provider's own name is the
        # best key we have until the app supplies a real id.
        if not self.provider_id:
            self.provider_id = self.provider

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferRecord:
        """Build an offer from a judgments-file (or API) dictionary."""
        return cls(
            id=str(data["id"]),
            kind=str(data.get("kind") or "other_program"),
            provider=str(data.get("provider") or ""),
            provider_type=str(data.get("provider_type") or "business"),
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            skills=[str(s) for s in (data.get("skills") or [])],
            village_code=str(data.get("village_code") or ""),
            home_based=bool(data.get("home_based", False)),
            reach=str(data.get("reach") or "desa"),
            places=int(data.get("places") or 0),
            places_taken=int(data.get("places_taken") or 0),
            hours_per_week=_opt_int(data.get("hours_per_week")),
            status=str(data.get("status") or "closed"),
            provider_id=data.get("provider_id"),
            pending_proposals=int(data.get("pending_proposals") or 0),
            canonical_skills=[str(s) for s in (data.get("canonical_skills") or [])],
        )


@dataclass
class HouseholdRecord:
    """A KPM household's profile as written down by the facilitator."""

    id: str
    skills: str
    interests: str
    experience: str
    village_code: str
    work_preference: str
    travel: str
    home_based_only: bool
    hours_per_week: int | None
    constraints: list[str]
    assets: list[str]
    canonical_skills: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HouseholdRecord:
        """Build a household from a judgments-file (or API) dictionary."""
        return cls(
            id=str(data["id"]),
            skills=str(data.get("skills") or ""),
            interests=str(data.get("interests") or ""),
            experience=str(data.get("experience") or ""),
            village_code=str(data.get("village_code") or ""),
            work_preference=str(data.get("work_preference") or "any"),
            travel=str(data.get("travel") or "desa"),
            home_based_only=bool(data.get("home_based_only", False)),
            hours_per_week=_opt_int(data.get("hours_per_week")),
            constraints=[str(s) for s in (data.get("constraints") or [])],
            assets=[str(s) for s in (data.get("assets") or [])],
            canonical_skills=[str(s) for s in (data.get("canonical_skills") or [])],
        )


@dataclass
class JudgmentSet:
    """A self-contained district: offers, households and graded judgments."""

    name: str
    offers: list[OfferRecord]
    households: list[HouseholdRecord]
    judgments: dict[str, dict[str, int]]

    @classmethod
    def from_json(cls, source: str | Path | dict[str, Any]) -> JudgmentSet:
        """Load a ``matchmaker-judgments/1`` file (path) or already-parsed dict."""
        if isinstance(source, dict):
            data = source
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        if data.get("format") != JUDGMENTS_FORMAT:
            raise ValueError(f"expected format {JUDGMENTS_FORMAT!r}, got {data.get('format')!r}")
        judgments = {
            str(h): {str(o): int(g) for o, g in grades.items()}
            for h, grades in (data.get("judgments") or {}).items()
        }
        return cls(
            name=str(data.get("name") or ""),
            offers=[OfferRecord.from_dict(o) for o in data.get("offers") or []],
            households=[HouseholdRecord.from_dict(h) for h in data.get("households") or []],
            judgments=judgments,
        )


def offers_from_json(source: str | Path | dict[str, Any]) -> list[OfferRecord]:
    """Return only the offers of a judgments file."""
    return JudgmentSet.from_json(source).offers


def households_from_json(source: str | Path | dict[str, Any]) -> list[HouseholdRecord]:
    """Return only the households of a judgments file."""
    return JudgmentSet.from_json(source).households


def _opt_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)
