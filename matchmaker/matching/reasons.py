"""Plain-language reason strings, in Indonesian (default) and English."""

from __future__ import annotations

from ..reference import vocabulary

MESSAGES: dict[str, dict[str, str]] = {
    "skills": {"id": "keterampilan cocok: {items}", "en": "matching skills: {items}"},
    "field": {"id": "bidang sesuai: {items}", "en": "matching field: {items}"},
    "desa": {"id": "satu desa", "en": "same village"},
    "kecamatan": {"id": "satu kecamatan", "en": "same sub-district"},
    "kabupaten": {"id": "satu kabupaten", "en": "same district"},
    "home": {"id": "bisa dari rumah", "en": "can be done from home"},
    "wage": {"id": "sesuai keinginan kerja bergaji", "en": "fits her wish for paid work"},
    "own_business": {"id": "sesuai keinginan punya usaha sendiri", "en": "fits her wish to run her own business"},
    "assets": {"id": "sudah punya: {items}", "en": "already has: {items}"},
    "lacks_assets": {"id": "perlu: {items} (belum punya)", "en": "needs: {items} (she has none)"},
    "hours": {"id": "jam kerja sesuai", "en": "hours fit"},
    "too_many_hours": {"id": "jam kerja lebih banyak dari waktunya", "en": "asks for more hours than she has"},
    "places": {"id": "masih ada {n} tempat", "en": "{n} places left"},
    "incomplete": {"id": "profil belum lengkap", "en": "profile incomplete"},
    "missing": {"id": "belum bisa: {items}", "en": "still to learn: {items}"},
    "training": {"id": "bisa ikut pelatihan: {title}", "en": "training available: {title}"},
}

CONCEPT_LABELS: dict[str, dict[str, str]] = {
    "sewing": {"id": "jahit-menjahit", "en": "sewing"},
    "craft": {"id": "kerajinan tangan", "en": "handicrafts"},
    "embroidery": {"id": "bordir", "en": "embroidery"},
    "knitting": {"id": "merajut", "en": "knitting"},
    "weaving": {"id": "anyaman", "en": "weaving"},
    "batik": {"id": "membatik", "en": "batik"},
    "food": {"id": "makanan", "en": "food"},
    "baking": {"id": "membuat kue", "en": "baking"},
    "cooking": {"id": "memasak", "en": "cooking"},
    "snack": {"id": "olahan makanan", "en": "food processing"},
    "laundry": {"id": "cuci setrika", "en": "laundry"},
    "cleaning": {"id": "bersih-bersih", "en": "cleaning"},
    "childcare": {"id": "mengasuh anak", "en": "childcare"},
    "beauty": {"id": "tata rias", "en": "make-up"},
    "poultry": {"id": "ternak ayam", "en": "poultry"},
    "goat": {"id": "ternak domba/kambing", "en": "sheep and goats"},
    "fish": {"id": "budidaya ikan", "en": "fish farming"},
    "livestock": {"id": "peternakan", "en": "livestock"},
    "farming": {"id": "bercocok tanam", "en": "farming"},
    "retail": {"id": "berdagang", "en": "trading"},
    "online": {"id": "jualan online", "en": "online selling"},
    "business": {"id": "usaha mikro", "en": "micro business"},
    "labour": {"id": "kerja fisik", "en": "manual work"},
    "tourism": {"id": "wisata", "en": "tourism"},
    "waste": {"id": "pilah sampah", "en": "waste sorting"},
    "packing": {"id": "pengemasan", "en": "packing"},
}


def message(key: str, lang: str, **values: object) -> str:
    """Render one reason in ``lang`` ("id" or "en")."""
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    return MESSAGES[key][lang].format(**values)


def label(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    """Translate a concept key for display."""
    return table.get(key, {}).get(lang, key.replace("_", " "))


def asset_label(code: str, lang: str) -> str:
    """An asset code as it reads inside a reason (the vocabulary's label, lower case)."""
    text = vocabulary.label("asset", code, lang)
    return text if text.isupper() or text[:2].isupper() else text[:1].lower() + text[1:]
