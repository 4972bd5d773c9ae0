"""Synthetic-district benchmark for index build time, query latency and memory."""

from __future__ import annotations

import gc
import random
import resource
import sys
import time
from typing import Any

import numpy as np

from .ranker import MatchRanker, _top_pool
from .schema import HouseholdRecord, OfferRecord

# Word banks: (skills, offer title stems, products, household phrasing) per sector.
SECTORS: dict[str, dict[str, list[str]]] = {
    "jahit": {
        "skills": ["jahit lurus", "obras", "permak", "pasang kancing", "potong pola", "mesin jahit sendiri"],
        "title": ["Dicari penjahit borongan", "Mitra jahit rumahan", "Lowongan operator jahit"],
        "things": ["gamis", "kaos", "seragam sekolah", "mukena", "celana", "jaket"],
        "hh": ["bisa ngejahit baju", "biasa jait pake mesin", "bisa ngaput & obras", "permak celana tetangga"],
    },
    "kue": {
        "skills": ["kue basah", "kue kering", "adonan roti", "punya oven", "kemasan rapi"],
        "title": ["Terima titipan kue", "Kemitraan produksi kue", "Lowongan produksi roti"],
        "things": ["bolu", "nastar", "brownis", "kue lapis", "roti manis", "klepon"],
        "hh": ["bisa bikin bolu & brownis", "nerima pesenan kue lebaran", "jualan kue basah tiap pagi"],
    },
    "masak": {
        "skills": ["masak", "bantu masak", "potong sayur", "masak porsi besar", "cuci piring"],
        "title": ["Cari asisten dapur", "Magang dapur katering", "Mitra masak rumahan"],
        "things": ["nasi box", "prasmanan", "liwet", "pepes", "sayur asem"],
        "hh": ["jago masak sayur asem", "suka bantu masak di hajatan", "masak buat keluarga besar"],
    },
    "laundry": {
        "skills": ["setrika rapi", "nyuci", "lipat baju", "punya setrikaan"],
        "title": ["Loker tukang setrika", "Mitra cuci setrika rumahan", "Setrika borongan"],
        "things": ["cucian kost", "kiloan", "seprei", "baju kantor"],
        "hh": ["nyetrika rapi & wangi", "nyuci gosok panggilan", "pernah kerja di laundry kiloan"],
    },
    "ternak": {
        "skills": ["pelihara ayam", "ngurus domba", "ada kandang", "kasih pakan rutin", "budidaya lele"],
        "title": ["Kemitraan ayam kampung", "Titip domba bagi hasil", "Beli lele dari kolam warga"],
        "things": ["ayam kampung", "domba", "lele", "bebek", "telur"],
        "hh": ["ngurus hayam kampung", "ngangon domba", "melihara lele di balong", "ngarit tiap hari"],
    },
    "tani": {
        "skills": ["nanam sayur", "ada lahan", "nyiram rutin", "panen", "isi polybag"],
        "title": ["Pekerja kebun hidroponik", "Beli sayur hasil pekarangan", "Buruh harian pembibitan"],
        "things": ["kangkung", "bayam", "cabe", "talas", "bibit buah"],
        "hh": ["melak sayur di pekarangan", "biasa ka sawah tandur", "nanem talas di kebon"],
    },
    "kerajinan": {
        "skills": ["merajut", "nganyam bambu", "anyam pandan", "batik tulis", "rapi"],
        "title": ["Cari perajut tas", "Mitra anyaman bambu", "Dicari pembatik tulis"],
        "things": ["tas rajut", "besek", "tikar", "kain batik", "dompet"],
        "hh": ["bisa ngerajut pake hakpen", "nganyam dr sachet bekas", "suka gambar & ngewarnain"],
    },
    "jualan": {
        "skills": ["HP android", "aktif WA/FB", "jualan online", "punya warung", "bisa catat"],
        "title": ["Open reseller hijab", "Kemitraan warung sembako", "Mitra jualan online"],
        "things": ["hijab", "gamis", "sembako", "kosmetik", "mukena"],
        "hh": ["aktif di fesbuk & grup WA", "olshop dr rumah", "dagang gorengan depan rumah"],
    },
}
KINDS = ["job", "apprenticeship", "supplier", "mentoring", "capital", "training", "bumdes", "padat_karya",
         "cooperative", "other_program"]
FILLER = ["bisa dikerjain dirumah", "dibayar per potong", "bahan dr kami", "gaji sesuai UMK",
          "diutamakan ibu2 KPM", "deket pasar", "shift pagi", "pulang hari", "bisa diajarin dulu"]
ASSET_BANK = ["mesin jahit", "oven", "motor", "smartphone", "kompor gas", "kandang"]
HH_FILLER = ["pengen kerja deket rumah", "hoyong usaha sorangan", "anak masih leutik",
             "blm pernah kerja", "bantu suami dagang", "IRT"]


def _codes(rng: random.Random, kecamatan: int = 40, desa_per_kec: int = 12) -> list[str]:
    return [f"32.01.{10 + k:02d}.{2001 + d}" for k in range(kecamatan) for d in range(desa_per_kec)
            if rng.random() > -1]


def synthetic_offers(n: int, seed: int = 0) -> list[OfferRecord]:
    """Deterministic synthetic offers in informal Indonesian."""
    rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not security
    codes = _codes(rng)
    sectors = sorted(SECTORS)
    out = []
    for i in range(n):
        s = SECTORS[sectors[rng.randrange(len(sectors))]]
        things = rng.sample(s["things"], 2)
        kind = KINDS[rng.randrange(len(KINDS))]
        village = kind in ("training", "bumdes", "padat_karya", "cooperative", "other_program")
        places = rng.randint(1, 10)
        out.append(OfferRecord(
            id=f"O{i:06d}", kind=kind,
            provider=f"{'Pemdes' if village else 'UMKM'} {rng.randrange(n // 3 + 1)}",
            provider_type="village_office" if village else "business",
            title=f"{rng.choice(s['title'])} {things[0]}",
            description=" ".join([f"Kami {rng.choice(s['title']).lower()} {things[0]} & {things[1]}.",
                                  *rng.sample(FILLER, 3), f"Hub {rng.randrange(10**6)}."]),
            skills=rng.sample(s["skills"], 3), village_code=rng.choice(codes),
            home_based=rng.random() < 0.4, reach=rng.choice(["desa", "kecamatan", "kabupaten"]),
            places=places, places_taken=rng.randint(0, places), hours_per_week=rng.choice([None, 10, 20, 30, 40]),
            status="open" if rng.random() < 0.9 else "closed", pending_proposals=rng.randint(0, 5),
        ))
    return out


def synthetic_households(n: int, seed: int = 0) -> list[HouseholdRecord]:
    """Deterministic synthetic KPM profiles in informal Indonesian and Sundanese."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible simulation
    codes = _codes(rng)
    sectors = sorted(SECTORS)
    out = []
    for i in range(n):
        s = SECTORS[sectors[rng.randrange(len(sectors))]]
        t = SECTORS[sectors[rng.randrange(len(sectors))]]
        out.append(HouseholdRecord(
            id=f"K{i:07d}", skills=rng.choice(s["hh"]) + ", " + rng.choice(s["things"]),
            interests=f"pengen {rng.choice(t['hh'])} {rng.choice(HH_FILLER)}",
            experience=rng.choice(HH_FILLER), village_code=rng.choice(codes),
            work_preference=rng.choice(["wage", "own_business", "any"]),
            travel=rng.choice(["desa", "kecamatan", "kabupaten"]), home_based_only=rng.random() < 0.2,
            hours_per_week=rng.choice([None, 10, 20, 30, 40]),
            constraints=rng.sample(["childcare", "no_transport", "disability", "no_smartphone"], rng.randint(0, 1)),
            assets=rng.sample(ASSET_BANK, rng.randint(0, 2)),
        ))
    return out


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_benchmark(offers: int = 20000, households: int = 200000, queries: int = 300, seed: int = 0) -> dict[str, Any]:
    """Build both indexes on a synthetic district and time queries both ways."""
    offer_records = synthetic_offers(offers, seed)
    household_records = synthetic_households(households, seed)
    gc.collect()
    t0 = time.perf_counter()
    ranker = MatchRanker().fit(offer_records)
    build_offers = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranker.fit_households(household_records)
    build_households = time.perf_counter() - t0

    rng = random.Random(seed + 2)  # noqa: S311 - reproducible simulation
    h_queries = [household_records[rng.randrange(households)] for _ in range(queries)]
    o_queries = [offer_records[rng.randrange(offers)] for _ in range(queries)]
    h2o, o2h, floor = [], [], []
    for h in h_queries:
        t0 = time.perf_counter()
        ranker.rank_offers(h, 10)
        h2o.append(time.perf_counter() - t0)
    for o in o_queries:
        t0 = time.perf_counter()
        ranker.rank_households(o, 10)
        o2h.append(time.perf_counter() - t0)
    # The floor: the bare text product against the offer index plus a top-k
    # selection, with the query vector already built.
    matrix_T = ranker.offers_.text_T
    vectors = [ranker._combine(*ranker._household_vectors([h], type(ranker.offers_)()))
               for h in h_queries]
    everything = np.ones(offers, dtype=bool)
    for q in vectors:
        t0 = time.perf_counter()
        scores = (q @ matrix_T).toarray().ravel()
        _top_pool(scores, everything, 10)
        floor.append(time.perf_counter() - t0)

    def ms(values: list[float], pct: float) -> float:
        return float(np.percentile(values, pct) * 1000.0) if values else 0.0

    h2o_p50 = ms(h2o, 50)
    floor_p50 = ms(floor, 50)
    return {
        "offers": offers,
        "households": households,
        "queries": queries,
        "build_offers_s": round(build_offers, 3),
        "build_households_s": round(build_households, 3),
        "h2o_p50_ms": round(h2o_p50, 3),
        "h2o_p95_ms": round(ms(h2o, 95), 3),
        "o2h_p50_ms": round(ms(o2h, 50), 3),
        "o2h_p95_ms": round(ms(o2h, 95), 3),
        "floor_p50_ms": round(floor_p50, 3),
        "ratio": round(h2o_p50 / floor_p50, 3) if floor_p50 > 0 else float("inf"),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
