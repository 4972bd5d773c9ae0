"""The one vocabulary layer: data file, resolver (phrases, negation, typos, counts) and the codes the database keeps."""

from __future__ import annotations

import pytest

from matchmaker.models import OfferKind, Reach, WorkPreference
from matchmaker.reference import vocabulary
from matchmaker.reference.vocabulary import Asset, Constraint, PkhComponent, resolve


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("pkh_component", tuple(PkhComponent)),
        ("constraint", tuple(Constraint)),
        ("asset", tuple(Asset)),
        ("work_preference", tuple(WorkPreference)),
        ("travel_range", tuple(Reach)),
        ("reach", tuple(Reach)),
        ("offer_kind", tuple(OfferKind)),
    ],
)
def test_the_data_file_and_the_code_enums_agree(name, codes):
    """A code in the data file the database refuses (or a code with no label) would break a form or an import."""
    assert vocabulary.codes(name) == tuple(codes)
    for entry in vocabulary.entries(name):
        assert entry.label_id and entry.label_en and entry.forms


@pytest.mark.parametrize(
    ("name", "text", "codes"),
    [
        ("constraint", "mengasuh balita", ["childcare"]),
        ("constraint", "anak masih kecil", ["childcare"]),
        ("constraint", "punya balita", ["childcare"]),
        ("constraint", "tidak punya motor", ["no_transport"]),
        ("constraint", "gak punya hp", ["no_smartphone"]),
        ("constraint", "merawat orang tua", ["caregiving"]),
        ("work_preference", "jualan", ["own_business"]),
        ("work_preference", "buka warung", ["own_business"]),
        ("work_preference", "jadi karyawan", ["wage"]),
        ("work_preference", "dua2nya", ["any"]),
        ("work_preference", "belum tahu", ["any"]),
        ("travel_range", "satu desa", ["desa"]),
        ("travel_range", "dekat rumah", ["desa"]),
        ("travel_range", "bebas", ["kabupaten"]),
        ("yes_no", "ga", ["no"]),
        ("yes_no", "bisa", ["yes"]),
        ("pkh_component", "SLTP", ["anak_smp"]),
        ("pkh_component", "SLTA", ["anak_sma"]),
        ("pkh_component", "TK", ["anak_usia_dini"]),
        ("asset", "HP jadul", ["basic_phone"]),
        ("asset", "mesin jhit", ["sewing_machine"]),
    ],
)
def test_ordinary_words_from_the_issue_resolve_to_their_codes(name, text, codes):
    """Facilitators' everyday words would be refused or stored as the wrong code."""
    found = resolve(name, text)
    assert found.codes == codes
    assert found.unrecognised == []
    assert found.confidence > 0


def test_a_negated_asset_is_lacked_not_owned():
    """'tidak punya motor' would count as owning a motorbike and the engine would send her far."""
    found = resolve("asset", "sepeda, tidak punya motor, blm punya kulkas")
    assert found.codes == ["bicycle"]
    assert found.negated == ["motorbike", "fridge"]


def test_counts_follow_or_precede_the_component_name():
    """'SD 1 SMP 1' or '2 anak SD' would be read as one child, or refused."""
    assert resolve("pkh_component", "SD 1 SMP 1").counts == {"anak_sd": 1, "anak_smp": 1}
    assert resolve("pkh_component", "2 anak SD dan bumil").counts == {"anak_sd": 2, "ibu_hamil": 1}
    assert resolve("pkh_component", "Anak SD 2, Lansia").counts == {"anak_sd": 2, "lansia": 1}


def test_unknown_words_are_returned_not_dropped():
    """A word no list knows would vanish from her profile."""
    found = resolve("asset", "mesin jahit (rusak), perahu")
    assert found.codes == ["sewing_machine"]
    assert found.unrecognised == ["rusak", "perahu"]
    assert 0 < found.confidence < 100
    assert resolve("constraint", "jauh dr pasar").codes == []


def test_export_words_read_back_as_the_same_codes():
    """An exported sheet imported again would change her profile."""
    for name in ("pkh_component", "work_preference", "travel_range", "constraint", "asset"):
        for code in vocabulary.codes(name):
            assert resolve(name, vocabulary.export_word(name, code)).codes[:1] == [code], (name, code)


def test_labels_follow_the_language():
    """The form would show English words to an Indonesian facilitator, or the reverse."""
    assert vocabulary.label("asset", "sewing_machine", "id") == "Mesin jahit"
    assert vocabulary.label("asset", "sewing_machine", "en") == "Sewing machine"
    assert vocabulary.label("asset", "not-a-code") == "not-a-code"
