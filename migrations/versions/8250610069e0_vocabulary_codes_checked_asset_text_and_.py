"""Vocabulary codes checked by the database; assets as codes with her own words beside them

The scalar vocabulary columns (household work preference and travel range, offer kind and
reach) get CHECK constraints. Assets, stored until now as the words facilitators wrote, become
codes of the asset vocabulary; words that are no code move to the new ``assets_text`` column,
so nothing she wrote is lost. ``profile_notes`` keeps optional sheet cells no vocabulary knew.

Revision ID: 8250610069e0
Revises: 2647ad719f20
Create Date: 2026-12-03 09:23:15.958040

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "8250610069e0"
down_revision = "2647ad719f20"
branch_labels = None
depends_on = None

WORK_PREFERENCES = ("wage", "own_business", "any")
REACHES = ("desa", "kecamatan", "kabupaten")
OFFER_KINDS = (
    "job", "apprenticeship", "supplier", "mentoring", "capital", "bumdes", "padat_karya", "training",
    "cooperative", "tourism_village", "village_market", "other_program",
)
# The asset words the app offered as checkboxes before (a frozen copy: migrations do not import the app).
OLD_ASSET_WORDS = {
    "mesin jahit": "sewing_machine", "mesin obras": "overlock", "obras": "overlock", "oven": "oven",
    "mixer": "mixer", "kompor gas": "stove", "kompor": "stove", "kulkas": "fridge", "freezer": "fridge",
    "etalase": "display_case", "gerobak": "cart", "warung": "shop", "motor": "motorbike", "sepeda": "bicycle",
    "smartphone": "smartphone", "lahan": "land", "kolam": "fish_pond", "kolam terpal": "fish_pond", "kandang": "livestock_pen",
    "setrika": "iron", "mesin cuci": "washing_machine", "laptop": "laptop",
}


def _check(column, codes):
    listed = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IN ({listed})"


def _as_list(value):
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def upgrade():
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assets_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("profile_notes", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    household = sa.table(
        "household", sa.column("id", sa.Integer), sa.column("assets", sa.JSON), sa.column("assets_text", sa.Text)
    )
    rows = bind.execute(sa.select(household.c.id, household.c.assets)).all()
    for household_id, assets in rows:
        words = _as_list(assets)
        codes, other = [], []
        for word in words:
            code = OLD_ASSET_WORDS.get(" ".join(str(word).casefold().split()))
            if code and code not in codes:
                codes.append(code)
            elif not code:
                other.append(str(word))
        if codes != words:
            bind.execute(
                household.update().where(household.c.id == household_id).values(assets=codes, assets_text=", ".join(other))
            )
    bind.execute(sa.text("UPDATE household SET work_preference = 'any' WHERE work_preference IS NULL"))
    bind.execute(sa.text("UPDATE household SET travel_range = 'desa' WHERE travel_range IS NULL"))
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_check_constraint("work_preference_code", _check("work_preference", WORK_PREFERENCES))
        batch_op.create_check_constraint("travel_range_code", _check("travel_range", REACHES))
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_check_constraint("kind_code", _check("kind", OFFER_KINDS))
        batch_op.create_check_constraint("reach_code", _check("reach", REACHES))


def downgrade():
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_offer_reach_code"), type_="check")
        batch_op.drop_constraint(op.f("ck_offer_kind_code"), type_="check")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_household_travel_range_code"), type_="check")
        batch_op.drop_constraint(op.f("ck_household_work_preference_code"), type_="check")
        batch_op.drop_column("profile_notes")
        batch_op.drop_column("assets_text")
