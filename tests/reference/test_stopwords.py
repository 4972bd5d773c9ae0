"""The one stop-word file: each use ignores what it should and keeps what is signal to it."""

from __future__ import annotations

import itertools

import pytest

from matchmaker.matching.lexicon import STOPWORDS as RANKING_STOPWORDS
from matchmaker.partners.search import query_words
from matchmaker.reference import stopwords as module
from matchmaker.reference.skill_resolver import STOPWORDS as SKILL_STOPWORDS


def test_every_use_names_groups_that_exist():
    """A use naming a missing group would crash the first search or ranking after a data edit."""
    document = module._document()
    for use in module.uses():
        for name in document["uses"][use]["groups"]:
            assert name in document["groups"], (use, name)


def test_no_word_sits_in_two_groups():
    """A word listed twice could be removed from one group and still be ignored, confusing whoever edits the file."""
    groups = module._document()["groups"]
    for (first, a), (second, b) in itertools.combinations(groups.items(), 2):
        assert not set(a["words"]) & set(b["words"]), (first, second)


def test_the_modules_read_the_file_rather_than_their_own_lists():
    """A list copied back into a module would drift from the file again."""
    assert RANKING_STOPWORDS == module.stopwords("ranking")
    assert SKILL_STOPWORDS == module.stopwords("skills")


def test_bisa_is_signal_to_the_ranker_and_noise_to_search():
    """'belum bisa jahit' must still tell the ranker something; a search for 'bisa jahit' must find tailoring."""
    assert "bisa" not in RANKING_STOPWORDS
    assert query_words("bisa jahit dan obras") == ["jahit", "obras"]


def test_an_unknown_use_fails_loudly():
    """A typo in a use name must not silently ignore nothing."""
    with pytest.raises(KeyError, match="no stop-word use"):
        module.stopwords("rankin")
