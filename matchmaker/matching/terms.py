"""The engine's score terms and hard constraints, defined once.

Ranking (stage 1 of :class:`~.ranker.MatchRanker`), :meth:`~.ranker.MatchRanker.pair_features`
(learning from decisions, batch allocation) both read the terms from here:
``raw = w_text * text + w_concept * concept + w_skill * skill + sum(w[t] * pair_terms[t])
+ w_places * places + load_penalty * load``. Each term works on the column stores of
:mod:`.ranker` (numpy arrays, one side of length 1) and is unweighted.
"""

from __future__ import annotations

import math

import numpy as np

from .features import ASSET_BIT, CONSTRAINT_BIT, PREF_WEIGHTED

# Feature weights of the linear score: a consensus of coordinate searches run
# separately on two halves of the development district's households, each
# checked on the other half (interest, trained and means were kept only where
# both halves gained, and means, neutral there, for the women it is meant for).
# Retuned on three districts (Bogor, Padang Pariaman, Banjar), each split in halves the same
# way: concept, desa, pref and support moved only where every district's halves agreed.
# With Bone added as a fourth district, asset_lack moved (a required asset she lacks stops her:
# the same step helped on the four together and on three of the four alone).
# Kept as a plain dict so callers can override single entries.
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 1.0,
    "concept": 2.5,
    "skill": 0.3,
    "desa": 1.0,
    "kecamatan": 0.3,
    "pref": 1.0,
    "home": 0.35,
    "hours": 0.75,
    "asset_has": 0.2,
    "asset_lack": -1.3,
    "hardship": -1.0,
    "places": 0.15,
    "entry": 1.1,
    "support": 1.2,
    "interest": 0.3,
    "trained": -1.0,
    "means": 0.5,
}
# Words showing she already runs a small business (so credit, coaching and
# licensing help are useful to her).
BUSINESS_WORDS = frozenset({"dagang", "jual", "usaha", "pesan", "omzet", "titip", "warung", "produksi"})
SUPPORT_KINDS = frozenset({"capital", "mentoring", "cooperative"})
# Offers that bring the means of a business (money, equipment on credit, a cooperative's loan).
MEANS_KINDS = frozenset({"capital", "cooperative"})
# Words by which an offer of another kind (a village programme, say) says it brings capital or
# business coaching all the same ("PENA: bantuan modal + pendampingan usaha"), as normalised tokens.
MEANS_WORDS = frozenset({"modal", "pinjam"})
SUPPORT_WORDS = MEANS_WORDS | {"damping", "mentoring"}
# A word right after one of these is denied ("reseller tanpa modal" brings no capital).
NEGATIONS = frozenset({"tanpa", "tidak", "bukan", "non"})
# Normalised words by which an offer says its work is done on a phone ("jualan di shopee & WA",
# "via zoom"): a woman without a smartphone cannot take it up, whatever its asset list says.
ONLINE_WORDS = frozenset({"online", "daring", "zoom", "shopee", "tokopedia", "tiktok", "whatsapp", "facebook",
                          "instagram", "medsos", "olshop", "dropship", "handphone", "smartphone", "android"})
# Work that takes anyone: what an honest list proposes to a woman whose profile says nothing
# about what she can do or wants, or who says any work will do (issue 13 §2), rather than
# offers a stray word happens to match.
OPEN_KINDS = frozenset({"job", "bumdes", "padat_karya"})
# Weight of open work for such a profile, relative to the "entry" term it is added to.
OPEN_WORK = 0.5
# How much more working from home counts for a woman who can work only at home (home_based_only)
# than for one who would merely like to: an offer in her desa is feasible for her, but it is
# work outside the house she said she cannot leave, so it is a weak fit at best.
HOME_ONLY = 1.0
# The level an offer expects of her: +1 an offer that teaches (a course, an apprenticeship),
# -1 one that pays for the skill (a job, a supply deal); other kinds say nothing of her level.
LEVEL_KINDS = {"training": 1, "apprenticeship": 1, "job": -1, "supplier": -1}
# Concept sets are kept as int64 bit masks (one bit per livelihood concept).
MAX_MASK_CONCEPTS = 62
# Livelihood fields too broad to say she already does the same thing ("food" covers chips and catering).
BROAD_CONCEPTS = frozenset({"food", "craft", "livestock", "business", "retail"})
INCOMPLETE_INFO = 2  # fewer informative profile tokens than this: incomplete
# The score is sigmoid(raw + bias); a learned model supplies its own intercept.
DEFAULT_BIAS = -2.0
# The pair features the linear score is made of, in the order of :meth:`MatchRanker.pair_features`.
# The score's raw value is exactly the dot product of these with :meth:`MatchRanker.feature_weights`
# ("load" is weighted by ``load_penalty``).
FEATURE_NAMES: tuple[str, ...] = (
    "text", "concept", "skill", "desa", "kecamatan", "pref", "home", "hours",
    "asset_has", "asset_lack", "hardship", "places", "load", "entry", "support",
    "interest", "trained", "means",
)


def offer_brings(kind: str, core_tokens: list[str]) -> tuple[bool, bool]:
    """``(support, means)``: whether an offer helps a business along (capital, coaching,
    a cooperative) and whether it brings the means of one (capital, a loan), by its kind or,
    for any kind, by what its title and skills say it gives."""
    said = {word for i, word in enumerate(core_tokens) if i == 0 or core_tokens[i - 1] not in NEGATIONS}
    return (kind in SUPPORT_KINDS or bool(said & SUPPORT_WORDS),
            kind in MEANS_KINDS or bool(said & MEANS_WORDS))


def feasible(o: dict[str, np.ndarray], h: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The hard constraints (:mod:`.constraints`) as one vectorised mask, plus the locality tier."""
    # Codes are hierarchical, so the tier is 3 minus the levels shared.
    same_desa = o["desa"] == h["desa"]
    tier = 3 - (o["kab"] == h["kab"]).view(np.int8) - (o["kec"] == h["kec"]).view(np.int8) - same_desa.view(np.int8)
    # The partner's reach always holds; a home-based offer waives only her travel limit.
    reachable = (tier <= o["reach"]) & ((tier <= h["travel"]) | o["home"])
    ok = o["active"] & o["open"] & reachable & (~h["hbo"] | o["home"] | same_desa)
    return ok, tier


def pair_terms(o: dict[str, np.ndarray], h: dict[str, np.ndarray],
                tier: np.ndarray) -> dict[str, np.ndarray | None]:
    """The unweighted pair terms of the score other than text, concept, skill and the
    offer-only terms; one side has length 1. ``None`` is a term that is zero for every
    pair (nothing to add)."""
    # fmax/fmin drop NaN: unknown hours on either side is neutral.
    hours_gap = (o["hours"] - h["hours"]) / np.maximum(h["hours"], 8.0)
    req = o["req"]
    c = h["constraints"]
    asset_has = asset_lack = hardship = None
    if (req != 0).any():
        asset_has = _popcount(req & h["assets"])
        asset_lack = _popcount(req & ~h["assets"])
    if (c != 0).any():
        hardship = (((c & CONSTRAINT_BIT["no_smartphone"]) > 0)
                    & (((req & ASSET_BIT["smartphone"]) > 0) | o["online"])).astype(np.float32)
        hardship += ((c & CONSTRAINT_BIT["no_transport"]) > 0) & ~o["home"] & (tier > 0)
        hardship += ((c & CONSTRAINT_BIT["disability"]) > 0) & ~o["home"]
    return {
        "desa": tier == 0,
        "kecamatan": tier == 1,
        "pref": PREF_WEIGHTED[h["pref"], o["kind"]],
        "home": (o["home"] & h["wants_home"]) * (1.0 + HOME_ONLY * h["hbo"]),
        "hours": -np.fmin(np.fmax(hours_gap, 0.0), 1.5),
        "asset_has": asset_has,
        "asset_lack": asset_lack,
        "hardship": hardship,
        # Entry-level offers for thin profiles; open work for women open to any work.
        "entry": o["soft"] * (h["info"] < 4) + OPEN_WORK * (o["open_work"] & h["any_work"]),
        "support": o["support"] & h["biz"],
        # Her stated wish, by livelihood field: weighs on top of any word that happens to match.
        "interest": (o["cmask"] & h["want"]) != 0,
        # Her level against the offer's: teaching her a trade she already works in is a step back
        # from a job in it (+1), and so is a job or supply deal in a trade she only asks to learn (+1:
        # she lacks the skill); teaching her what she asks to learn is what she wants (-1, rewarded).
        "trained": _level_gap(o, h),
        # Capital and cooperatives for a woman who wants her own business and lacks the means,
        # unless the offer's means serve another trade (a sewing machine on credit for a chip maker).
        "means": o["means"] & h["needs_means"] & ((o["smask"] == 0) | ((o["smask"] & (h["skilled"] | h["want"])) != 0)),
    }


def _level_gap(o: dict[str, np.ndarray], h: dict[str, np.ndarray]) -> np.ndarray:
    skilled = (o["cmask"] & h["skilled"]) != 0
    learning = (o["cmask"] & h["learn"]) != 0
    teaches = (o["level"] > 0).astype(np.float32)
    pays = (o["level"] < 0) & learning & ~skilled
    return teaches * (skilled.astype(np.float32) - learning) + pays


def offer_terms(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Offer-only terms, unweighted: places left and the pending-proposal load."""
    return {
        "places": np.minimum(np.log1p(o["remaining"]) / math.log(11.0), 1.0),
        "load": -np.log1p(o["pending"] / np.maximum(o["remaining"], 1.0)),
    }


def _popcount(bits: np.ndarray) -> np.ndarray:
    return np.bitwise_count(bits.astype(np.int64)).astype(np.float32)
