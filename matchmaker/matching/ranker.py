"""The matching engine: hard constraints, pair features and ranking in both directions.

Scoring is two-stage. Stage 1 scores every indexed item with vectorised
numpy/scipy operations (one sparse product for text and concepts together, array
arithmetic for locality, preferences, hours, assets). Stage 2 re-scores a small
pool with fuzzy skill-phrase matching (rapidfuzz), applies the per-provider
cap and writes reasons for the final top k only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer

from ..reference.regional import is_empty_profile
from .features import (
    ASSET_BIT,
    BLANK_PREF,
    CONSTRAINT_BIT,
    KIND_CODE,
    PREF_CODE,
    PREF_FIT,
    TIERS,
    TRAINING_KINDS,
    CodeBook,
    ConceptVectorizer,
    SkillPhrase,
    asset_bits,
    build_text_vectorizer,
    classify_skills,
    household_core_text,
    household_text,
    offer_core_text,
    offer_text,
    profile_information,
    required_asset_bits,
    weighted_concepts,
)
from .reasons import CONCEPT_LABELS, asset_label, label, message
from .schema import HouseholdRecord, OfferRecord
from .skills import SkillReasons, SkillVocabulary, open_to_any_work, read_profile
from .terms import (
    BROAD_CONCEPTS,
    BUSINESS_WORDS,
    DEFAULT_BIAS,
    DEFAULT_WEIGHTS,
    FEATURE_NAMES,
    INCOMPLETE_INFO,
    LEVEL_KINDS,
    MAX_MASK_CONCEPTS,
    ONLINE_WORDS,
    OPEN_KINDS,
    offer_brings,
    offer_terms,
    pair_terms,
)
from .terms import feasible as feasible_mask
from .text import IndonesianNormalizer, default_normalizer, said

FUZZY_TOKEN_CUTOFF = 80.0


@dataclass
class SuggestedTraining:
    """A village training-type programme that teaches a skill she lacks."""

    offer_id: str
    title: str


@dataclass
class Match:
    """One ranked result: the pair, its score and why."""

    offer_id: str
    household_id: str
    score: float
    reasons: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    suggested_training: SuggestedTraining | None = None


class _Store:
    """Column store of one side (offers or households) of the index."""

    def __init__(self) -> None:
        self.records: list[Any] = []
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.live: np.ndarray = np.zeros(0, dtype=bool)  # households: False once replaced or removed
        self.cols: dict[str, np.ndarray] = {}
        self.texts: list[str] = []  # normalised full text, for fuzzy matching
        self.tokens: list[frozenset[str]] = []
        self.text_T: sp.csr_matrix | None = None  # vocabulary x items
        self.phrases: list[list[SkillPhrase]] = []

    def __len__(self) -> int:
        return len(self.ids)


class MatchRanker(BaseEstimator):
    """Rank offers for a household and households for an offer.

    Parameters
    ----------
    weights:
        Overrides for :data:`DEFAULT_WEIGHTS`.
    word_weight, char_weight:
        Block weights of the word and character TF-IDF in the text similarity.
    char_max_df:
        Character n-grams in more than this share of documents are dropped;
        they carry little signal and dominate the cost of sparse products.
    max_per_provider:
        At most this many offers of one provider in the first ``cap_window``.
    cap_window:
        Size of the head of the list the provider cap applies to.
    load_penalty:
        Strength of the gentle down-weighting of partners with many pending
        proposals relative to their remaining places.
    pool_size:
        Items re-scored with fuzzy skill matching after the vectorised stage.
    drift_threshold:
        Share of out-of-vocabulary tokens in a partial update above which the
        vectorisers are refitted on the whole offer set.
    skill_vocabulary:
        The canonical skills vocabulary (a :class:`~.skills.SkillVocabulary`) that
        "matching skills" and "still to learn" reasons are written from. Without it the
        reasons name no skills at all, never free words.
    """

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        char_max_df: float = 0.5,
        max_per_provider: int = 3,
        cap_window: int = 10,
        load_penalty: float = 0.15,
        pool_size: int = 64,
        drift_threshold: float = 0.3,
        skill_vocabulary: SkillVocabulary | None = None,
    ) -> None:
        self.weights = weights
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.char_max_df = char_max_df
        self.max_per_provider = max_per_provider
        self.cap_window = cap_window
        self.load_penalty = load_penalty
        self.pool_size = pool_size
        self.drift_threshold = drift_threshold
        self.skill_vocabulary = skill_vocabulary

    # ------------------------------------------------------------------ fit
    def fit(self, offers: Sequence[OfferRecord], households: Sequence[HouseholdRecord] | None = None) -> MatchRanker:
        """Fit the vectorisers on the offers and index them (and households)."""
        self.weights_ = {**DEFAULT_WEIGHTS, **(self.weights or {})}
        self.normalizer_ = default_normalizer()
        self.codebook_ = CodeBook()
        self.skill_reasons_ = SkillReasons(self.skill_vocabulary) if self.skill_vocabulary is not None else None
        offers = list(offers)
        full = [self._norm(offer_text(o)) for o in offers]
        core = [self._norm(offer_core_text(o)) for o in offers]
        self.text_vectorizer_ = self._make_vectorizer(len(offers))
        self._fast_parts_ = None
        self._n_text_features_cache_ = None
        self._offer_concept_cache_: dict[str, set[int]] = {}
        self._provider_codes_: dict[str, int] = {}
        text = self.text_vectorizer_.fit_transform(_two_columns(full, core))
        vocab = self.text_vectorizer_.named_transformers_["word"].vocabulary_
        self.vocabulary_ = frozenset(vocab)
        self.concept_vectorizer_ = ConceptVectorizer().fit(full)
        self.n_refits_ = 0
        self.offers_ = _Store()
        self._append_offers(offers, full, core, text)
        self.households_ = None
        if households is not None:
            self.fit_households(households)
        return self

    def _make_vectorizer(self, n_docs: int) -> ColumnTransformer:
        # Document-frequency pruning only makes sense on a real corpus; on a
        # handful of near-identical offers it would remove every n-gram.
        max_df = self.char_max_df if n_docs >= 200 else 1.0
        union = build_text_vectorizer(self.word_weight, self.char_weight, max_df)
        word, char = (t for _, t in union.transformer_list)
        # Words from the whole text, character n-grams from the short
        # skill-bearing fields: typos matter there, and long descriptions
        # would multiply the index size for little gain.
        return ColumnTransformer(
            [("word", word, 0), ("char", char, 1)],
            transformer_weights=union.transformer_weights,
            sparse_threshold=1.0,
        )

    def fit_households(self, households: Sequence[HouseholdRecord], batch_size: int = 20000) -> MatchRanker:
        """Index households for :meth:`rank_households` (uses the fitted vectorisers)."""
        self._check_fitted()
        store = _Store()
        blocks: list[sp.csr_matrix] = []
        households = list(households)
        # Batches bound the peak memory of sklearn's float64 intermediates.
        for start in range(0, len(households), batch_size):
            batch = households[start : start + batch_size]
            text, concepts = self._household_vectors(batch, store)
            blocks.append(self._combine(text, concepts))
        n_features = self._n_text_features() + len(self.concept_vectorizer_.concept_names_)
        text = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, n_features), dtype=np.float32)
        store.text_T = text.T.tocsr()
        store.cols = _columns(store.cols_parts, HOUSEHOLD_DTYPES)  # type: ignore[attr-defined]
        del store.cols_parts  # type: ignore[attr-defined]
        store.live = np.ones(len(store), dtype=bool)
        self.households_ = store
        return self

    def partial_update_households(self, households: Iterable[HouseholdRecord]) -> None:
        """Add or replace indexed households without refitting anything.

        Households are never part of the vectorisers' vocabulary (it is fitted on the
        offers), so no drift check is needed: the old row is retired, the new one appended.
        """
        self._check_fitted()
        store = self.households_
        if store is None:
            raise RuntimeError("call fit_households() before partial_update_households()")
        households = list(households)
        if not households:
            return
        self.retire_households(h.id for h in households)
        fresh = _Store()
        text, concepts = self._household_vectors(households, fresh)
        combined = self._combine(text, concepts)
        cols = _columns(fresh.cols_parts, HOUSEHOLD_DTYPES)  # type: ignore[attr-defined]
        offset = len(store)
        store.text_T = sp.hstack([store.text_T, combined.T], format="csr")
        store.cols = {name: np.concatenate([store.cols[name], cols[name]]) for name in cols}
        store.live = np.concatenate([store.live, np.ones(len(households), dtype=bool)])
        for j, h in enumerate(households):
            store.row_of[h.id] = offset + j
            store.ids.append(h.id)
            store.records.append(h)
            store.tokens.append(fresh.tokens[j])

    def retire_households(self, household_ids: Iterable[str]) -> int:
        """Take households out of every ranking (graduated, deleted); return how many were indexed."""
        self._check_fitted()
        store = self.households_
        if store is None:
            return 0
        n = 0
        for hid in household_ids:
            row = store.row_of.pop(hid, None)
            if row is not None:
                store.live[row] = False
                n += 1
        return n

    def retire_offers(self, offer_ids: Iterable[str]) -> int:
        """Take offers out of every ranking (closed, full, deleted); return how many were indexed."""
        self._check_fitted()
        n = 0
        for oid in offer_ids:
            row = self.offers_.row_of.pop(oid, None)
            if row is not None:
                self.offers_.cols["active"][row] = False
                self._offer_concept_cache_.pop(oid, None)
                if self.skill_reasons_ is not None:
                    self.skill_reasons_.forget([oid])
                n += 1
        if n:
            self._index_training()
        return n

    def live_offer_records(self) -> list[OfferRecord]:
        """The current version of every indexed offer (replaced and retired rows left out)."""
        store = self.offers_
        return [store.records[row] for row in sorted(store.row_of.values())]

    def live_household_records(self) -> list[HouseholdRecord]:
        """The current version of every indexed household."""
        store = self.households_
        if store is None:
            return []
        return [store.records[row] for row in sorted(store.row_of.values())]

    # -------------------------------------------------------- incremental
    def partial_update(self, offers: Iterable[OfferRecord]) -> bool:
        """Add or replace offers without refitting; refit when vocabulary drifts.

        Returns True when the drift check triggered a full refit.
        """
        self._check_fitted()
        offers = list(offers)
        if not offers:
            return False
        full = [self._norm(offer_text(o)) for o in offers]
        tokens = [t for text in full for t in text.split()]
        oov = sum(1 for t in tokens if t not in self.vocabulary_) / max(len(tokens), 1)
        self.last_oov_share_ = oov
        changed = {o.id for o in offers}
        if oov > self.drift_threshold:
            # Only the live version of each offer survives a refit: retired rows stay retired.
            kept = [r for r in self.live_offer_records() if r.id not in changed]
            households = self.live_household_records() if self.households_ is not None else None
            n_refits = self.n_refits_
            self.fit(kept + offers)
            self.n_refits_ = n_refits + 1
            if households is not None:
                self.fit_households(households)
            return True
        core = [self._norm(offer_core_text(o)) for o in offers]
        if self.skill_reasons_ is not None:
            self.skill_reasons_.forget(changed)
        for oid in changed:
            self._offer_concept_cache_.pop(oid, None)
            row = self.offers_.row_of.get(oid)
            if row is not None:
                # Retire the old row instead of rewriting sparse matrices;
                # it stays masked out of every ranking.
                self.offers_.cols["active"][row] = False
        self._append_offers(offers, full, core)
        return False

    # ------------------------------------------------------------- ranking
    def rank_offers(self, household: HouseholdRecord, k: int = 10, lang: str = "id",
                    exclude: Iterable[str] = (), kinds: Iterable[str] | None = None,
                    tiers: Iterable[str] | None = None) -> list[Match]:
        """Best feasible offers for one household, best first.

        ``exclude``: offer ids never to return (say, offers she already has a match with).
        ``kinds`` / ``tiers``: only offers of these kinds / at these distances from her
        (``desa``, ``kecamatan``, ``kabupaten``); the filter is part of the query, so a
        filtered list holds every suitable offer that passes it, not a cut of the unfiltered head.
        """
        self._check_fitted()
        store = self.offers_
        if len(store) == 0 or k <= 0:
            return []
        hh = _Store()
        hh.cols_parts = []  # type: ignore[attr-defined]
        full = self._norm(household_text(household))
        heads = self._norm(household_core_text(household))
        idx, val = self._query_vector(full, heads, [(heads, 1.0), (full, 0.5)])
        hh.tokens.append(frozenset(full.split()))
        h_cols = self._household_cols(household, heads, full)
        cache: dict[str, bool] = {}
        sim = _sparse_dot(idx, val, store.text_T, len(store))
        raw, feasible, tier = self._stage1(store.cols, h_cols, sim)
        feasible = _without(feasible, store.row_of, exclude)
        if kinds is not None:
            codes = [KIND_CODE[kind] for kind in kinds if kind in KIND_CODE]
            feasible = feasible & np.isin(store.cols["kind"], codes)
        if tiers is not None:
            feasible = feasible & np.isin(tier, [TIERS[t] for t in tiers if t in TIERS])
        pool = _top_pool(raw, feasible, max(self.pool_size, k))
        if pool.size == 0:
            return []
        h_tokens = hh.tokens[0]
        skill = np.array(
            [self._skill_share(store.records[i], store.phrases[i], household, h_tokens, int(h_cols["assets"][0]),
                               cache)
             for i in pool],
            dtype=np.float32,
        )
        raw_pool = raw[pool] + self.weights_["skill"] * skill
        order = _sorted_by_score(raw_pool, [store.ids[i] for i in pool])
        order = self._provider_cap([int(pool[i]) for i in order], k)
        incomplete = int(h_cols["info"][0]) < INCOMPLETE_INFO
        skill_of = {int(pool[i]): float(skill[i]) for i in range(pool.size)}
        raw_of = {int(pool[i]): float(raw_pool[i]) for i in range(pool.size)}
        training_ok = self._training_feasible_lazy(h_cols)
        return [
            self._explain(store.records[i], store.phrases[i], household, h_tokens, h_cols, store.cols, i,
                          raw_of[i], skill_of[i], incomplete, lang, cache, training_ok)
            for i in order
        ]

    def rank_households(self, offer: OfferRecord, k: int = 10, lang: str = "id",
                        only: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[Match]:
        """Best households for one offer among the indexed households, best first.

        ``only``: restrict the candidates to these household ids (an area's households);
        ``exclude``: household ids never to return.
        """
        self._check_fitted()
        store = self.households_
        if store is None:
            raise RuntimeError("call fit_households() before rank_households()")
        if len(store) == 0 or k <= 0:
            return []
        full = self._norm(offer_text(offer))
        core = self._norm(offer_core_text(offer))
        idx, val = self._query_vector(full, core, [(core, 1.0), (full, 0.5)])
        o_store = _Store()
        o_cols = self._offer_cols(offer)
        o_store.phrases = [classify_skills(offer.skills, self.normalizer_)]
        sim = _sparse_dot(idx, val, store.text_T, len(store))
        raw, feasible, _ = self._stage1(o_cols, store.cols, sim)
        feasible = feasible & store.live
        if only is not None:
            allowed = np.zeros(len(store), dtype=bool)
            rows = [store.row_of[hid] for hid in only if hid in store.row_of]
            allowed[rows] = True
            feasible &= allowed
        feasible = _without(feasible, store.row_of, exclude)
        pool = _top_pool(raw, feasible, max(self.pool_size, k))
        phrases = o_store.phrases[0]
        skill = np.array(
            [self._skill_share(offer, phrases, store.records[i], store.tokens[i], int(store.cols["assets"][i]))
             for i in pool],
            dtype=np.float32,
        )
        raw_pool = raw[pool] + self.weights_["skill"] * skill
        order = _sorted_by_score(raw_pool, [store.ids[i] for i in pool])[:k]
        out = []
        for j in order:
            i = int(pool[j])
            h_cols = {name: col[i : i + 1] for name, col in store.cols.items()}
            incomplete = int(h_cols["info"][0]) < INCOMPLETE_INFO
            o_cols_1 = {name: np.asarray(col) for name, col in o_cols.items()}
            out.append(self._explain(offer, phrases, store.records[i], store.tokens[i], h_cols, o_cols_1, 0,
                                     float(raw_pool[j]), float(skill[j]), incomplete, lang, {},
                                     self._training_feasible_lazy(h_cols)))
        return out

    # ------------------------------------------------- pair features, scores
    def feature_weights(self) -> np.ndarray:
        """The weight of each of :data:`FEATURE_NAMES` in the raw score."""
        self._check_fitted()
        return np.array(
            [self.load_penalty if name == "load" else self.weights_[name] for name in FEATURE_NAMES],
            dtype=np.float64,
        )

    def pair_features(self, household: HouseholdRecord,
                      offer_ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray, np.ndarray, bool]:
        """The unweighted features of one household against indexed offers.

        Returns ``(offer_ids, X, feasible, incomplete)`` where ``X`` has one row per offer
        and one column per :data:`FEATURE_NAMES`; ``X @ feature_weights()`` is the raw
        score :meth:`rank_offers` uses (before the sigmoid and the incomplete-profile
        halving). Without ``offer_ids``, every live indexed offer. Learning from decisions
        and batch allocation both build on this.
        """
        self._check_fitted()
        store = self.offers_
        if offer_ids is None:
            rows = np.array(sorted(store.row_of.values()), dtype=np.int64)
        else:
            rows = np.array([store.row_of[oid] for oid in offer_ids], dtype=np.int64)
        ids = [store.ids[i] for i in rows]
        w = self.weights_
        full = self._norm(household_text(household))
        heads = self._norm(household_core_text(household))
        idx, val = self._query_vector(full, heads, [(heads, 1.0), (full, 0.5)])
        text_part = idx < self._n_text_features()
        n = len(store)
        # The query and the index carry sqrt(w) each: a partial product is w * cosine.
        text = _sparse_dot(idx[text_part], val[text_part], store.text_T, n)[rows]
        concept = _sparse_dot(idx[~text_part], val[~text_part], store.text_T, n)[rows]
        text = text / w["text"] if w["text"] > 0 else np.zeros(rows.size)
        concept = concept / w["concept"] if w["concept"] > 0 else np.zeros(rows.size)
        h = self._household_cols(household, heads, full)
        o = {name: col[rows] for name, col in store.cols.items() if name != "static"}
        feasible, tier = feasible_mask(o, h)
        feasible = np.broadcast_to(feasible, (rows.size,)).copy()
        tier = np.broadcast_to(tier, (rows.size,))
        h_tokens = frozenset(full.split())
        h_assets = int(h["assets"][0])
        cache: dict[str, Any] = {}
        skill = np.array([self._skill_share(store.records[i], store.phrases[i], household, h_tokens, h_assets, cache)
                          for i in rows], dtype=np.float64)
        columns: dict[str, Any] = {"text": text, "concept": concept, "skill": skill}
        columns.update(pair_terms(o, h, tier))
        columns.update(offer_terms(o))
        columns = {name: 0.0 if value is None else value for name, value in columns.items()}
        X = np.column_stack([np.broadcast_to(np.asarray(columns[name], dtype=np.float64), (rows.size,))
                             for name in FEATURE_NAMES]) if rows.size else np.zeros((0, len(FEATURE_NAMES)))
        incomplete = int(h["info"][0]) < INCOMPLETE_INFO
        return ids, X, feasible, incomplete

    def score_offers(self, household: HouseholdRecord,
                     offer_ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Final scores (as :meth:`rank_offers` shows them) of one household against offers.

        Returns ``(offer_ids, scores, feasible)``; infeasible pairs keep a score but must
        not be proposed. Used by batch allocation, which needs every pair, not a top k.
        """
        ids, X, feasible, incomplete = self.pair_features(household, offer_ids)
        raw = X @ self.feature_weights() + self.weights_.get("bias", DEFAULT_BIAS)
        scores = 1.0 / (1.0 + np.exp(-raw))
        if incomplete:
            scores *= 0.5
        return ids, np.round(scores, 6), feasible

    def explain_pair(self, household: HouseholdRecord, offer_id: str, lang: str = "id") -> Match:
        """One household-offer pair scored and explained exactly as :meth:`rank_offers` would."""
        _, X, _, incomplete = self.pair_features(household, [offer_id])
        store = self.offers_
        i = store.row_of[offer_id]
        full = self._norm(household_text(household))
        heads = self._norm(household_core_text(household))
        h_cols = self._household_cols(household, heads, full)
        raw = float(X[0] @ self.feature_weights())
        return self._explain(store.records[i], store.phrases[i], household, frozenset(full.split()), h_cols,
                             store.cols, i, raw, float(X[0, FEATURE_NAMES.index("skill")]), incomplete, lang, {},
                             self._training_feasible_lazy(h_cols))

    # ------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "offers_"):
            raise RuntimeError("MatchRanker is not fitted; call fit(offers) first")

    def _norm(self, text: str) -> str:
        return " ".join(self.normalizer_.tokens(text))

    def _n_text_features(self) -> int:
        n = getattr(self, "_n_text_features_cache_", None)
        if n is None:
            n = sum(len(t.vocabulary_) for _, t, _ in self.text_vectorizer_.transformers_ if hasattr(t, "vocabulary_"))
            self._n_text_features_cache_ = n
        return n

    def _query_vector(self, full: str, core: str,
                      concept_fields: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Combined (text + concept) query vector as (indices, values), no scipy objects.

        Equal to ``_combine(text_vectorizer_.transform(...), concepts)`` for one
        document; building scipy matrices per query cost more than the product.
        """
        w = self.weights_
        t_idx, t_val = self._fast_text_parts(full, core)
        offset = self._n_text_features()
        lex = self.concept_vectorizer_.lexicon_
        weights: dict[int, float] = {}
        for text, weight in concept_fields:
            for c in {c for token in set(text.split()) for c in lex.get(token, ())}:
                weights[c] = weights.get(c, 0.0) + weight
        c_idx = np.fromiter(sorted(weights), dtype=np.int64, count=len(weights))
        c_val = np.fromiter((weights[c] for c in c_idx), dtype=np.float64, count=len(weights))
        if c_val.size:
            c_val *= math.sqrt(w["concept"]) / np.sqrt(np.dot(c_val, c_val))
        return (np.concatenate([t_idx, c_idx + offset]),
                np.concatenate([t_val * math.sqrt(w["text"]), c_val]).astype(np.float32))

    def _fast_text_vector(self, full: str, core: str) -> sp.csr_matrix:
        """Same vector as ``text_vectorizer_.transform`` for one document."""
        idx, val = self._fast_text_parts(full, core)
        return sp.csr_matrix((val.astype(np.float32), idx, np.array([0, idx.size])),
                             shape=(1, self._n_text_features()))

    def _fast_text_parts(self, full: str, core: str) -> tuple[np.ndarray, np.ndarray]:
        """Same vector as ``text_vectorizer_.transform`` for one document, minus
        sklearn's per-call validation overhead (it dominated query latency)."""
        if getattr(self, "_fast_parts_", None) is None:
            parts = []
            for name, vec, _ in self.text_vectorizer_.transformers_:
                if not hasattr(vec, "vocabulary_"):
                    continue
                weight = (self.text_vectorizer_.transformer_weights or {}).get(name, 1.0)
                parts.append((vec.build_analyzer(), vec.vocabulary_, vec.idf_.astype(np.float64), weight,
                              len(vec.vocabulary_)))
            self._fast_parts_ = parts
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        for (analyzer, vocab, idf, weight, size), text in zip(self._fast_parts_, (full, core), strict=True):
            counts: dict[int, int] = {}
            for gram in analyzer(text):
                j = vocab.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if counts:
                idx = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
                tf = np.fromiter((counts[j] for j in idx), dtype=np.float64, count=len(counts))
                val = (np.log(tf) + 1.0) * idf[idx]
                val *= weight / np.sqrt(np.dot(val, val))
                indices.append(idx + offset)
                values.append(val)
            offset += size
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(indices), np.concatenate(values)

    def _offer_concepts(self, offers: Sequence[OfferRecord], full: Sequence[str]) -> sp.csr_matrix:
        heads = [self._norm(offer_core_text(o)) for o in offers]
        return weighted_concepts(self.concept_vectorizer_, [(heads, 1.0), (list(full), 0.5)])

    def _offer_cols(self, offer: OfferRecord) -> dict[str, np.ndarray]:
        """Column values of one offer as length-1 arrays."""
        return _columns([self._offer_values(offer)], OFFER_DTYPES)

    def _offer_values(self, offer: OfferRecord) -> tuple[Any, ...]:
        desa, kec, kab = self.codebook_.encode(offer.village_code, missing=-1)
        phrases = classify_skills(offer.skills, self.normalizer_)
        provider = self._provider_codes_.setdefault(offer.provider_id or offer.provider, len(self._provider_codes_))
        core = self._norm(offer_core_text(offer)).split()
        support, means = offer_brings(offer.kind, core)
        return (
            True,
            offer.status == "open" and offer.places_taken < offer.places,
            KIND_CODE.get(offer.kind, KIND_CODE["other_program"]),
            bool(offer.home_based),
            TIERS.get(offer.reach, 0),
            desa, kec, kab,
            np.nan if offer.hours_per_week is None else offer.hours_per_week,
            required_asset_bits(offer),
            max(offer.places - offer.places_taken, 0),
            max(offer.pending_proposals, 0),
            sum(1 for p in phrases if p.kind == "soft") / max(len(phrases), 1),
            support,
            provider,
            self._concept_mask(core),
            LEVEL_KINDS.get(offer.kind, 0),
            means,
            offer.kind in OPEN_KINDS,
            not ONLINE_WORDS.isdisjoint(core),
            self._concept_mask(core, specific=True),
        )

    def _append_offers(self, offers: list[OfferRecord], full: list[str], core: list[str],
                       text: sp.spmatrix | None = None) -> None:
        store = self.offers_
        if not offers:
            if store.text_T is None:
                n_features = self._n_text_features() + len(self.concept_vectorizer_.concept_names_)
                store.text_T = sp.csr_matrix((n_features, 0), dtype=np.float32)
            return
        if text is None:
            text = self.text_vectorizer_.transform(_two_columns(full, core))
        text = sp.csr_matrix(text, dtype=np.float32)
        combined = self._combine(text, self._offer_concepts(offers, full))
        cols = _columns([self._offer_values(o) for o in offers], OFFER_DTYPES)
        if store.text_T is None:
            store.text_T = combined.T.tocsr()
            store.cols = cols
        else:
            store.text_T = sp.hstack([store.text_T, combined.T], format="csr")
            store.cols = {name: np.concatenate([store.cols[name], cols[name]]) for name in cols}
        store.cols.pop("static", None)
        store.cols["static"] = self._static_terms(store.cols)
        for o, text_norm in zip(offers, full, strict=True):
            store.row_of[o.id] = len(store.ids)
            store.ids.append(o.id)
            store.records.append(o)
            store.texts.append(text_norm)
            store.tokens.append(frozenset(text_norm.split()))
            store.phrases.append(classify_skills(o.skills, self.normalizer_))
        self._index_training()

    def _household_vectors(self, households: Sequence[HouseholdRecord], store: _Store,
                           fast: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        full = [self._norm(household_text(h)) for h in households]
        core = [self._norm(household_core_text(h)) for h in households]
        if fast and len(households) == 1:
            text = self._fast_text_vector(full[0], core[0])
        else:
            text = sp.csr_matrix(self.text_vectorizer_.transform(_two_columns(full, core)), dtype=np.float32)
        heads = [self._norm(household_core_text(h)) for h in households]
        concepts = weighted_concepts(self.concept_vectorizer_, [(heads, 1.0), (full, 0.5)])
        if not hasattr(store, "cols_parts"):
            store.cols_parts = []  # type: ignore[attr-defined]
        for h, text_norm, head in zip(households, full, heads, strict=True):
            store.row_of[h.id] = len(store.ids)
            store.ids.append(h.id)
            store.records.append(h)
            store.tokens.append(frozenset(text_norm.split()))
            store.cols_parts.append(self._household_values(h, head, text_norm))  # type: ignore[attr-defined]
        return text, concepts

    def _household_cols(self, h: HouseholdRecord, head: str, full: str) -> dict[str, np.ndarray]:
        """Column values of one household as length-1 arrays."""
        return _columns([self._household_values(h, head, full)], HOUSEHOLD_DTYPES)

    def _household_values(self, h: HouseholdRecord, head: str, full: str) -> tuple[Any, ...]:
        desa, kec, kab = self.codebook_.encode(h.village_code, missing=-2)
        constraints = 0
        for c in h.constraints:
            constraints |= CONSTRAINT_BIT.get(c, 0)
        interest_tokens = set(self._norm(h.interests).split())
        stated, means, to_learn = read_profile(h)
        wants_home = bool(h.home_based_only or constraints & CONSTRAINT_BIT["childcare"] or "rumah" in interest_tokens)
        experience = self._norm(h.experience).split()
        info = profile_information(head.split()) + profile_information(experience)
        own_words = set(self._norm(h.skills).split()) | set(experience)
        # What she wants, by the clauses that name a livelihood ("kada tahu" is no wish for tofu).
        want = self._concept_mask(self._norm(said(h.interests)).split())
        no_skill = is_empty_profile(h.skills)
        blank = want == 0 and no_skill and h.work_preference != "wage" and h.work_preference != "own_business"
        return (
            BLANK_PREF if blank else PREF_CODE.get(h.work_preference, PREF_CODE["any"]),
            TIERS.get(h.travel, 0),
            bool(h.home_based_only),
            desa, kec, kab,
            np.nan if h.hours_per_week is None else h.hours_per_week,
            asset_bits(h.assets),
            constraints,
            wants_home,
            info,
            h.work_preference == "own_business" and bool(BUSINESS_WORDS & own_words),
            want,
            self._concept_mask(self._norm(stated).split(), specific=True),
            # A would-be owner without equipment, or any woman not set on wages whose own words ask
            # for the means to start or grow a business ("mau jual minyak lebih banyak", "pengen punya kolam").
            (h.work_preference == "own_business" and not asset_bits(h.assets) & ~ASSET_BIT["smartphone"])
            or (h.work_preference != "wage" and means),
            # Open to any work: she says so, or her profile names no skill and no livelihood she wants.
            (want == 0 and no_skill) or open_to_any_work(h.interests),
            # What she asks to learn; with no skill yet, whatever she wants to take up.
            self._concept_mask(self._norm(to_learn).split(), specific=True) | (want if no_skill else 0),
        )

    def _concept_mask(self, tokens: Iterable[str], specific: bool = False) -> int:
        """Bit mask of the livelihood concepts the tokens name (``specific``: not the broad ones)."""
        lex = self.concept_vectorizer_.lexicon_
        names = self.concept_vectorizer_.concept_names_
        mask = 0
        for token in set(tokens):
            for c in lex.get(token, ()):
                if c < MAX_MASK_CONCEPTS and not (specific and names[c] in BROAD_CONCEPTS):
                    mask |= 1 << c
        return mask

    def _combine(self, text: sp.spmatrix, concepts: sp.spmatrix) -> sp.csr_matrix:
        """Side-by-side text and concept blocks, scaled so one dot product gives
        ``w_text * text_cosine + w_concept * concept_cosine``."""
        w = self.weights_
        return sp.hstack(
            [sp.csr_matrix(text, dtype=np.float32) * math.sqrt(w["text"]),
             sp.csr_matrix(concepts, dtype=np.float32) * math.sqrt(w["concept"])],
            format="csr",
        ).astype(np.float32)

    def _stage1(self, o: dict[str, np.ndarray], h: dict[str, np.ndarray],
                sim: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectorised feasibility mask, stage-1 score and locality tier; one side has length 1.

        ``sim`` is the already weighted text + concept similarity; every other term comes
        from :meth:`_pair_terms` and :meth:`_static_terms`, the same definitions
        :meth:`pair_features` uses.
        """
        w = self.weights_
        feasible, tier = feasible_mask(o, h)
        raw = sim.astype(np.float64)
        for name, value in pair_terms(o, h, tier).items():
            if value is not None:
                raw += w[name] * value
        raw += self._static_terms(o)
        raw = np.broadcast_to(raw, feasible.shape).astype(np.float64)
        return raw, feasible, tier

    def _static_terms(self, o: dict[str, np.ndarray]) -> np.ndarray:
        """The weighted offer-only terms, cached per index."""
        static = o.get("static")
        if static is not None:
            return static
        terms = offer_terms(o)
        return (self.weights_["places"] * terms["places"] + self.load_penalty * terms["load"]).astype(np.float32)

    def _skill_share(self, offer: OfferRecord, phrases: list[SkillPhrase], household: HouseholdRecord,
                     h_tokens: frozenset[str], h_assets: int, cache: dict[str, bool] | None = None) -> float:
        """Share of the offer's (non-trait) skills she has; 0 when unknown."""
        if offer.canonical_skills and household.canonical_skills:
            wanted = set(offer.canonical_skills)
            return len(wanted & set(household.canonical_skills)) / len(wanted)
        matched, _, total = self._match_phrases(phrases, h_tokens, h_assets, cache)
        return len(matched) / total if total else 0.0

    def _match_phrases(self, phrases: list[SkillPhrase], h_tokens: frozenset[str], h_assets: int,
                       cache: dict[str, bool] | None = None) -> tuple[list[str], list[str], int]:
        """Split offer phrases into those she has and those she lacks.

        A skill phrase counts as hers when at least half of its normalised
        words appear in her profile, exactly or as a close fuzzy spelling.
        ``cache`` is per query: offers repeat the same phrases.
        """
        matched: list[str] = []
        missing: list[str] = []
        total = 0
        cache = {} if cache is None else cache
        for p in phrases:
            if p.kind == "soft":
                continue
            total += 1
            if p.kind == "asset":
                (matched if p.asset_bits & h_assets else missing).append(p.text)
                continue
            hit = cache.get(p.normalised)
            if hit is None:
                words = p.normalised.split()
                hits = sum(1 for word in words if self._has_word(word, h_tokens, cache))
                hit = bool(words) and hits / len(words) >= 0.5
                cache[p.normalised] = hit
            (matched if hit else missing).append(p.text)
        return matched, missing, total

    @staticmethod
    def _has_word(word: str, h_tokens: frozenset[str], cache: dict[str, bool]) -> bool:
        if word in h_tokens:
            return True
        if len(word) < 4 or not h_tokens:
            return False
        key = "\x00" + word
        found = cache.get(key)
        if found is None:
            found = process.extractOne(word, h_tokens, scorer=fuzz.ratio, score_cutoff=FUZZY_TOKEN_CUTOFF) is not None
            cache[key] = found
        return found

    def _provider_cap(self, order: list[int], k: int) -> list[int]:
        """Keep at most ``max_per_provider`` offers per provider in the head window."""
        providers = self.offers_.cols["provider"]
        head: list[int] = []
        overflow: list[int] = []
        counts: dict[int, int] = {}
        for i in order:
            if len(head) >= min(k, self.cap_window):
                break
            p = int(providers[i])
            if counts.get(p, 0) >= self.max_per_provider:
                overflow.append(i)
                continue
            counts[p] = counts.get(p, 0) + 1
            head.append(i)
        if len(head) < k:
            taken = set(head)
            rest = [i for i in order if i not in taken and i not in overflow]
            head.extend((rest + overflow)[: k - len(head)] if len(head) >= self.cap_window else [])
        return head[:k]

    def _explain(self, offer: OfferRecord, phrases: list[SkillPhrase], household: HouseholdRecord,
                 h_tokens: frozenset[str], h_cols: dict[str, np.ndarray], o_cols: dict[str, np.ndarray],
                 row: int, raw: float, skill: float, incomplete: bool, lang: str,
                 cache: dict[str, Any], training_ok: _LazyMask) -> Match:
        h_assets = int(h_cols["assets"][0])
        matched, skill_missing = self._skill_reasons(offer, phrases, household, lang, cache)
        reasons: list[str] = []
        if incomplete:
            reasons.append(message("incomplete", lang))
        if matched:
            reasons.append(message("skills", lang, items=", ".join(matched)))
        else:
            shared = self._shared_concepts(offer, h_tokens)
            if shared:
                reasons.append(message("field", lang, items=", ".join(label(CONCEPT_LABELS, c, lang) for c in shared)))
        tier = self._tier(o_cols, h_cols, row)
        if tier < 3:
            reasons.append(message(("desa", "kecamatan", "kabupaten")[tier], lang))
        if offer.home_based:
            reasons.append(message("home", lang))
        pref = household.work_preference
        if pref in ("wage", "own_business") and PREF_FIT[PREF_CODE[pref], KIND_CODE.get(offer.kind, 9)] > 0.4:
            reasons.append(message(pref, lang))
        req = int(o_cols["req"][row])
        has = [a for a, bit in ASSET_BIT.items() if req & bit and h_assets & bit]
        lacks = [a for a, bit in ASSET_BIT.items() if req & bit and not h_assets & bit]
        if has:
            reasons.append(message("assets", lang, items=", ".join(asset_label(a, lang) for a in has)))
        if lacks:
            reasons.append(message("lacks_assets", lang, items=", ".join(asset_label(a, lang) for a in lacks)))
        if offer.hours_per_week is not None and household.hours_per_week is not None:
            fits = offer.hours_per_week <= household.hours_per_week * 1.1
            reasons.append(message("hours" if fits else "too_many_hours", lang))
        training = self._suggest_training(offer, skill_missing, training_ok, cache)
        if skill_missing:
            reasons.append(message("missing", lang, items=", ".join(skill_missing)))
        if training is not None:
            reasons.append(message("training", lang, title=training.title))
        score = 1.0 / (1.0 + math.exp(-(raw + self.weights_.get("bias", DEFAULT_BIAS))))
        if incomplete:
            # Missing data must not look like agreement: halve the score.
            score *= 0.5
        return Match(offer.id, household.id, round(score, 6), reasons, skill_missing, training)

    def _skill_reasons(self, offer: OfferRecord, phrases: list[SkillPhrase], household: HouseholdRecord,
                       lang: str, cache: dict[str, Any]) -> tuple[list[str], list[str]]:
        """Labels of the offer's canonical skills she has and of those she lacks.

        Only canonical skills of the vocabulary: never a trait, an asset, a wish or a word
        she wrote; never "lacks" a skill she is recognised as having.
        """
        reasons = self.skill_reasons_
        if reasons is None:
            return [], []
        key = "\x02" + household.id
        hers = cache.get(key)
        if hers is None:
            hers = reasons.household_skills(household)
            cache[key] = hers
        has, lacks = reasons.split(reasons.offer_skills(offer, phrases), hers)
        return reasons.labels(has, lang), reasons.labels(lacks, lang)

    def _shared_concepts(self, offer: OfferRecord, h_tokens: frozenset[str]) -> list[str]:
        lex = self.concept_vectorizer_.lexicon_
        names = self.concept_vectorizer_.concept_names_
        mine = {c for t in h_tokens for c in lex.get(t, ())}
        theirs = self._offer_concept_cache_.get(offer.id)
        if theirs is None:
            theirs = {c for t in self._norm(offer_core_text(offer)).split() for c in lex.get(t, ())}
            self._offer_concept_cache_[offer.id] = theirs
        shared = sorted(mine & theirs, key=lambda c: names[c])
        specific = [names[c] for c in shared if names[c] not in BROAD_CONCEPTS]
        return specific or [names[c] for c in shared]

    @staticmethod
    def _tier(o_cols: dict[str, np.ndarray], h_cols: dict[str, np.ndarray], row: int) -> int:
        if o_cols["desa"][row] == h_cols["desa"][0]:
            return 0
        if o_cols["kec"][row] == h_cols["kec"][0]:
            return 1
        if o_cols["kab"][row] == h_cols["kab"][0]:
            return 2
        return 3

    def _training_feasible_lazy(self, h_cols: dict[str, np.ndarray]) -> _LazyMask:
        """Which village programmes she could attend, computed only where asked."""
        return _LazyMask(self._training_cols_, h_cols, feasible_mask)

    def _suggest_training(self, offer: OfferRecord, missing: list[str], training_ok: _LazyMask,
                          cache: dict[str, Any]) -> SuggestedTraining | None:
        """A feasible village programme whose title or skills cover a missing skill.

        Uses a token -> programme inverted index so the cost follows the few
        programmes sharing a word with the missing skill, not the catalogue;
        results are cached per query because offers share missing skills.
        """
        if not missing or self._training_rows_.size == 0:
            return None
        best: tuple[float, int, int] | None = None  # (-coverage, id rank, programme)
        for phrase in missing:
            key = "\x01" + phrase
            ranked = cache.get(key)
            if ranked is None:
                ranked = self._programmes_teaching(phrase, training_ok)
                cache[key] = ranked
            for candidate in ranked:
                if self._training_ids_[candidate[2]] != offer.id:
                    if best is None or candidate < best:
                        best = candidate
                    break
        if best is None:
            return None
        record = self.offers_.records[int(self._training_rows_[best[2]])]
        return SuggestedTraining(record.id, record.title)

    def _programmes_teaching(self, phrase: str, training_ok: _LazyMask) -> list[tuple[float, int, int]]:
        """The two best feasible programmes covering at least half of a phrase's words."""
        words = set(self.normalizer_.tokens(phrase))
        lists = [self._training_postings_[w] for w in words if w in self._training_postings_]
        if not lists:
            return []
        cand, hits = np.unique(np.concatenate(lists), return_counts=True)
        share = hits / len(words)
        keep = share >= 0.5
        cand, share = cand[keep], share[keep]
        if cand.size == 0:
            return []
        ok = training_ok[cand]
        cand, share = cand[ok], share[ok]
        # Highest coverage first, then the smallest id for determinism.
        order = np.lexsort((self._training_id_rank_[cand], -share))[:2]
        return [(-float(share[j]), int(self._training_id_rank_[cand[j]]), int(cand[j])) for j in order]

    def _index_training(self) -> None:
        store = self.offers_
        rows = [
            i for i, r in enumerate(store.records)
            if r.kind in TRAINING_KINDS and r.provider_type == "village_office"
        ]
        self._training_rows_ = np.array(rows, dtype=np.int64)
        needed = ("desa", "kec", "kab", "reach", "home", "active", "open")
        self._training_cols_ = {name: store.cols[name][self._training_rows_] for name in needed}
        self._training_ids_ = np.array([store.ids[i] for i in rows], dtype=object)
        self._training_id_rank_ = np.argsort(np.argsort(self._training_ids_.astype(str), kind="stable"))
        postings: dict[str, list[int]] = {}
        for j, i in enumerate(rows):
            for token in set(self._norm(offer_core_text(store.records[i])).split()):
                postings.setdefault(token, []).append(j)
        self._training_postings_ = {t: np.array(v, dtype=np.int64) for t, v in postings.items()}


# ---------------------------------------------------------------- helpers
class _LazyMask:
    """Feasibility of programme rows for one household, evaluated per subset."""

    def __init__(self, cols: dict[str, np.ndarray], h_cols: dict[str, np.ndarray], check: Any) -> None:
        self.cols = cols
        self.h_cols = h_cols
        self.check = check

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        sub = {name: col[idx] for name, col in self.cols.items()}
        return self.check(sub, self.h_cols)[0]


def _two_columns(full: Sequence[str], core: Sequence[str]) -> np.ndarray:
    arr = np.empty((len(full), 2), dtype=object)
    arr[:, 0] = list(full)
    arr[:, 1] = list(core)
    return arr


OFFER_DTYPES: tuple[tuple[str, Any], ...] = (
    ("active", bool), ("open", bool), ("kind", np.int8), ("home", bool), ("reach", np.int8),
    ("desa", np.int32), ("kec", np.int32), ("kab", np.int32), ("hours", np.float32), ("req", np.int64),
    ("remaining", np.float32), ("pending", np.float32), ("soft", np.float32), ("support", bool),
    ("provider", np.int64), ("cmask", np.int64), ("level", np.int8), ("means", bool),
    ("open_work", bool), ("online", bool), ("smask", np.int64),
)
HOUSEHOLD_DTYPES: tuple[tuple[str, Any], ...] = (
    ("pref", np.int8), ("travel", np.int8), ("hbo", bool), ("desa", np.int32), ("kec", np.int32),
    ("kab", np.int32), ("hours", np.float32), ("assets", np.int64), ("constraints", np.int8),
    ("wants_home", bool), ("info", np.int16), ("biz", bool), ("want", np.int64), ("skilled", np.int64),
    ("needs_means", bool), ("any_work", bool), ("learn", np.int64),
)


def _columns(rows: list[tuple[Any, ...]], dtypes: tuple[tuple[str, Any], ...]) -> dict[str, np.ndarray]:
    """Row tuples to a dict of typed numpy columns (one array per field)."""
    if not rows:
        return {name: np.zeros(0, dtype=dtype) for name, dtype in dtypes}
    columns = zip(*rows, strict=True)
    return {name: np.array(values, dtype=dtype) for (name, dtype), values in zip(dtypes, columns, strict=True)}


def _sparse_dot(indices: np.ndarray, values: np.ndarray, matrix_T: sp.csr_matrix, n: int) -> np.ndarray:
    """Dense similarities q . x for every item, reading only q's posting lists."""
    if indices.size == 0:
        return np.zeros(n, dtype=np.float32)
    postings = matrix_T[indices]
    return np.asarray(postings.T @ values).ravel()


def _without(feasible: np.ndarray, row_of: dict[str, int], exclude: Iterable[str]) -> np.ndarray:
    """``feasible`` with the rows of the ``exclude`` ids switched off (a copy when any is)."""
    rows = [row_of[i] for i in exclude if i in row_of]
    if not rows:
        return feasible
    feasible = np.array(feasible, dtype=bool)
    feasible[rows] = False
    return feasible


def _top_pool(raw: np.ndarray, feasible: np.ndarray, size: int) -> np.ndarray:
    candidates = np.flatnonzero(feasible)
    if candidates.size > size:
        part = np.argpartition(-raw[candidates], size - 1)[:size]
        candidates = np.sort(candidates[part])
    return candidates


def _sorted_by_score(scores: np.ndarray, ids: list[str]) -> list[int]:
    # Ties are broken by id so equal inputs always give equal orders.
    return sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 9), ids[i]))


def normaliser_for_tests() -> IndonesianNormalizer:
    """Expose the shared normaliser (handy in tests and notebooks)."""
    return default_normalizer()
