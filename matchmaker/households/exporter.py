"""Exporting the (filtered) caseload to an .xlsx that the importer reads back.

Columns follow the import template, values use the importer's words, every text cell is
neutralised against formula injection, and the NIK and phone are written in full only for
households whose identity the exporting user may see.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from ..audit import record_audit
from ..extensions import db
from ..models import Household, Region, User
from ..phones import mask_phone
from ..reference.vocabulary import export_word
from . import services
from .importer import TEMPLATE_HEADERS, neutralise
from .nik import mask_nik

EXTRA_HEADERS = ("Status",)


def _row(household: Household, full_identity: bool) -> list[Any]:
    desa = household.desa
    kecamatan: Region | None = desa.parent if desa else None
    kabupaten: Region | None = kecamatan.parent if kecamatan else None
    components = ", ".join(
        f"{export_word('pkh_component', key)} {count}" for key, count in (household.components or {}).items() if count
    )
    assets = [export_word("asset", code) for code in household.assets or []]
    if household.assets_text:
        assets.append(household.assets_text)
    values = [
        household.nik if full_identity else mask_nik(household.nik),
        (household.kk_number or "") if full_identity else mask_nik(household.kk_number) if household.kk_number else "",
        household.full_name,
        household.birth_date.strftime("%d/%m/%Y") if household.birth_date and full_identity else "",
        (household.phone or "") if full_identity else (mask_phone(household.phone) if household.phone else ""),
        (household.address or "") if full_identity else "",
        desa.name if desa else household.desa_code,
        kecamatan.name if kecamatan else "",
        kabupaten.display_name if kabupaten else "",
        components,
        household.skills_text,
        household.interests,
        household.work_experience,
        household.business_experience,
        export_word("work_preference", household.work_preference) if household.work_preference else "",
        household.hours_per_week if household.hours_per_week is not None else "",
        export_word("travel_range", household.travel_range) if household.travel_range else "",
        "ya" if household.home_based_only else "tidak",
        ", ".join(export_word("constraint", code) for code in household.constraints or []),
        ", ".join(assets),
        household.status,
    ]
    return [neutralise(value) for value in values]


def export_caseload(user: User, filters: services.CaseloadFilters) -> tuple[bytes, int]:
    """Write the households ``user`` sees (narrowed by ``filters``) to .xlsx; audit and commit the export.

    Returns the workbook's bytes and the number of households in it.
    """
    query = services.caseload_query(user, filters).options(
        selectinload(Household.desa).selectinload(Region.parent).selectinload(Region.parent)
    )
    households = list(db.session.scalars(query.order_by(Household.full_name, Household.id)))
    name = services.name_query(filters)
    if name is not None:
        order = services.search_names(name, [(h.id, h.full_name) for h in households])
        by_id = {h.id: h for h in households}
        households = [by_id[i] for i in order]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("KPM")
    sheet.append(list(TEMPLATE_HEADERS) + list(EXTRA_HEADERS))
    full = 0
    for household in households:
        identity = services.can_see_identity(user, household)
        full += identity
        sheet.append(_row(household, identity))
    buffer = io.BytesIO()
    workbook.save(buffer)
    record_audit(user, "household.export", "household", None, households=len(households), full_identity=full)
    db.session.commit()
    return buffer.getvalue(), len(households)
