"""Decisions on proposals: recording them, and learning the ranking weights from them."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from matchmaker.extensions import db
from matchmaker.matches.learning import MIN_DECISIONS, read_model, train
from matchmaker.matches.ranking import get_index, rank_offers_for_household
from matchmaker.matches.services import DecisionError, record_decision
from matchmaker.models import Match, MatchStatus, RankingDecision, RankingDecisionKind, Reach, Role
from tests.conftest import SUKAMAJU, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

NEIGHBOUR = "32.01.16.2004"


def test_record_decision_keeps_position_and_score_of_the_match(app):
    """The learner would not know where a confirmed proposal had been shown."""
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, **SEWER)
    offer = make_offer(make_organization())
    match = Match(household_id=household.id, offer_id=offer.id, status=MatchStatus.PROPOSED, score=0.8,
                  shown_position=3)
    db.session.add(match)
    db.session.commit()
    row = record_decision(facilitator, household, offer, RankingDecisionKind.DECLINED, match=match,
                          reason="too_far")
    db.session.commit()
    stored = db.session.get(RankingDecision, row.id)
    assert (stored.shown_position, stored.shown_score, stored.actor_role, stored.reason, stored.match_id) == (
        3, 0.8, Role.FACILITATOR, "too_far", match.id)


def test_record_decision_refuses_wrong_role_or_kind(app):
    """A partner could "confirm" for a facilitator, or a typo would be stored as a decision."""
    partner = make_user(Role.BUSINESS, organization=make_organization())
    household = make_household(None)
    offer = make_offer(make_organization())
    with pytest.raises(DecisionError) as wrong_role:
        record_decision(partner, household, offer, RankingDecisionKind.CONFIRMED)
    assert wrong_role.value.code == "not_allowed_for_role"
    with pytest.raises(DecisionError):
        record_decision(partner, household, offer, "maybe")
    record_decision(partner, household, offer, RankingDecisionKind.ACCEPTED, shown_position=1)
    db.session.commit()
    assert db.session.query(RankingDecision).count() == 1


def _district(n_households: int = 10, n_offers: int = 10):
    """Identical sewers and identical offers, half in her desa and half in the next one."""
    business = make_organization()
    offers = [
        make_offer(business, desa_code=SUKAMAJU if i % 2 == 0 else NEIGHBOUR, reach=Reach.SUBDISTRICT, places=50)
        for i in range(n_offers)
    ]
    households = [make_household(None, **SEWER) for _ in range(n_households)]
    return households, offers


def _decisions(households, offers, n: int, label, seed: int = 0) -> None:
    """``n`` decisions in time order; ``label(household, offer)`` says whether it was a yes."""
    facilitator = make_user(Role.FACILITATOR)
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    for i in range(n):
        household, offer = rng.choice(households), rng.choice(offers)
        yes = label(household, offer) if rng.random() > 0.05 else not label(household, offer)
        db.session.add(RankingDecision(
            household_id=household.id, offer_id=offer.id, actor_id=facilitator.id, actor_role=Role.FACILITATOR,
            decision=RankingDecisionKind.CONFIRMED if yes else RankingDecisionKind.DECLINED,
            shown_position=rng.randint(1, 10), shown_score=0.5, created_at=start + dt.timedelta(hours=i),
        ))
    db.session.commit()


def test_learned_model_is_adopted_when_it_beats_the_rules(app, tmp_path):
    """The app would ignore what facilitators keep telling it, here: they prefer the next desa."""
    households, offers = _district()
    _decisions(households, offers, 260, lambda h, o: o.desa_code != h.desa_code)
    path = tmp_path / "ranker-model.pkl"
    report = train(path)
    assert report.adopted and report.reason == "adopted"
    assert report.model_accuracy > report.rule_accuracy + 0.2 and report.cv_model > report.cv_engine
    assert report.n_train + report.n_holdout == 260 and 0.15 * 260 <= report.n_holdout <= 0.4 * 260
    model = read_model(path)
    assert model["n_decisions"] == 260 and "fitted_at" in model
    assert model["weights"]["desa"] < model["weights"]["kecamatan"] and model["correction"]["desa"] < 0

    app.config["RANKER_MODEL_PATH"] = str(path)
    index = get_index()
    index.model_path = str(path)
    index.invalidate()
    top = rank_offers_for_household(households[0], k=1)[0]
    assert index.model_info is not None
    assert top.offer.desa_code == NEIGHBOUR


def test_too_few_decisions_are_refused(app, tmp_path):
    """A model fitted on a handful of decisions would replace the tested rules."""
    households, offers = _district(4, 4)
    _decisions(households, offers, MIN_DECISIONS - 1, lambda h, o: o.desa_code != h.desa_code)
    path = tmp_path / "ranker-model.pkl"
    report = train(path)
    assert not report.adopted and report.reason == "too_few"
    assert "at least 200" in report.message()
    assert not path.exists()


def test_model_that_does_not_beat_the_rules_is_refused(app, tmp_path):
    """A learned model no better than the rules would be used anyway (and an old one kept)."""
    households, offers = _district()
    _decisions(households, offers, 240, lambda h, o: o.desa_code == h.desa_code)
    path = tmp_path / "ranker-model.pkl"
    path.write_bytes(b"an old model")
    report = train(path)
    assert not report.adopted and report.reason == "not_better"
    assert report.rule_accuracy > 0.85
    assert "does not beat" in report.message()
    assert not path.exists()


def test_train_command_prints_both_figures(app, tmp_path):
    """The coordinator running the command could not tell why the model was (not) adopted."""
    households, offers = _district()
    _decisions(households, offers, 220, lambda h, o: o.desa_code != h.desa_code)
    app.config["RANKER_MODEL_PATH"] = str(tmp_path / "m.pkl")
    result = app.test_cli_runner().invoke(args=["ranker", "train"])
    assert result.exit_code == 0, result.output
    assert "rule-based accuracy" in result.output and "learned accuracy" in result.output
    assert "Adopted" in result.output
    status = app.test_cli_runner().invoke(args=["ranker", "status"])
    assert status.exit_code == 0 and "Active model: learned correction" in status.output
    assert "held-out households" in status.output


def test_status_says_the_rules_are_in_use_without_a_model(app, tmp_path):
    """A coordinator could not tell whether the app ranks with the rules or a learned model."""
    app.config["RANKER_MODEL_PATH"] = str(tmp_path / "none.pkl")
    result = app.test_cli_runner().invoke(args=["ranker", "status"])
    assert result.exit_code == 0 and "rule-based weights" in result.output


def test_model_of_another_engine_is_not_used(app, tmp_path):
    """A correction learned on old engine weights would be applied to weights the engine no longer has."""
    households, offers = _district()
    _decisions(households, offers, 260, lambda h, o: o.desa_code != h.desa_code)
    path = tmp_path / "ranker-model.pkl"
    assert train(path).adopted and read_model(path) is not None
    import pickle

    payload = pickle.loads(path.read_bytes())  # noqa: S301 - the file the test just wrote
    payload["engine_weights"]["concept"] += 1.0
    path.write_bytes(pickle.dumps(payload))
    assert read_model(path) is None


def test_hold_out_is_whole_households_decided_on_last():
    """The adoption check would score the model on women it was trained on, i.e. on its own fit."""
    from matchmaker.matches.learning import household_split

    ids = np.array([1, 2, 1, 3, 2, 4, 3, 5, 4, 5, 5, 1])
    held = household_split(ids, share=0.25)
    assert set(ids[held].tolist()).isdisjoint(ids[~held].tolist())
    assert set(ids[held].tolist()) == {5}  # first seen last; 3 of 12 decisions
    assert household_split(np.array([7, 7, 7]), share=0.5).sum() == 0  # one household: nothing to hold out


def test_simulate_learning_command_reports_before_and_after(app):
    """A coordinator could not see whether learning from a season of decisions helps on an unseen district."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "matching" / "data"
    result = app.test_cli_runner().invoke(args=[
        "ranker", "simulate-learning", "--train", str(data / "dev-banjar.json"),
        "--test", str(data / "dev-padang-pariaman.json"),
    ])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("dev-padang-pariaman") and " rules " in line for line in lines)
    assert any(line.startswith("dev-padang-pariaman") and " learned " in line for line in lines)
    assert "keep the rule-based weights" in result.output or "Learning helps" in result.output
    banjar = str(data / "dev-banjar.json")
    same = app.test_cli_runner().invoke(args=["ranker", "simulate-learning", "--train", banjar, "--test", banjar])
    assert same.exit_code != 0 and "must not be one of the training files" in same.output
