"""The pure-Python scorer: same numbers as Splink, fast enough for the registration form."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from palermo.dedup.engine import Model, ModelError, score_candidates, term_frequencies
from palermo.dedup.engine import backend as splink_backend
from palermo.dedup.engine.blocking import RULES
from palermo.dedup.engine.levels import COMPARISONS, comparison_vector_value, level_index
from palermo.dedup.engine.pipeline import features_table, prepare_all
from palermo.dedup.engine.scorer import Scorer
from palermo.dedup.tests.test_engine_pipeline import TODAY, rows
from palermo.names.translit import serbian_latin_to_cyrillic

pytestmark = pytest.mark.nodb

GIVEN = ["Marko", "Jelena", "Drita", "Oleksandr", "Aysel", "Nikola", "Ana", "Saša", "Đorđe",
         "Mehmet", "Olena", "Ion", "Chioma", "Fatima", "Jovan", "Ivana", "Blerta"]  # fmt: skip
SURNAMES = ["Petrović", "Krasniqi", "Hoxha", "Kovalenko", "Məmmədova", "Rusu", "Okafor",
            "Jovanović", "Gashi", "Popescu", "Stojanovski", "Begić", "Ivanova"]  # fmt: skip


def noisy_registrations(n_persons: int, seed: int) -> list[dict[str, str]]:
    """Registrations with the noise the model knows, for comparing SQL and Python levels."""
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for p in range(n_persons):
        first, last = rng.choice(GIVEN), rng.choice(SURNAMES)
        dob = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        sex, cit = rng.choice("MF"), rng.choice(["RS", "XK", "UA", "AZ", "MD", "NG"])
        for k in range(rng.randint(1, 3)):
            f, s = first, last
            r = rng.random()
            if r < 0.2:
                f, s = serbian_latin_to_cyrillic(f), serbian_latin_to_cyrillic(s)
            elif r < 0.3:
                f, s = s, f
            elif r < 0.4:
                s = s[:2] + s[3:]
            elif r < 0.5:
                s = f"{s}-{rng.choice(SURNAMES)}"
            date, year = dob.isoformat(), ""
            r = rng.random()
            if r < 0.15:
                date, year = "", str(dob.year + rng.choice([-1, 0, 0, 1, 3]))
            elif r < 0.2 and dob.day <= 12:
                date = dt.date(dob.year, dob.day, dob.month).isoformat()
            elif r < 0.25:
                date = ""
            out.append({
                "record_id": f"t{p}-{k}", "source_institution": "x", "first_name": f,
                "last_name": s, "sex": sex if rng.random() > 0.1 else "",
                "date_of_birth": date, "birth_year": year,
                "citizenship": cit if rng.random() > 0.1 else "",
                "place_of_birth": rng.choice(["Beograd", "Prishtinë", "", "Kyiv"]),
            })  # fmt: skip
    return out


def test_python_levels_and_weights_equal_splinks_on_every_scored_pair() -> None:
    features, _ = prepare_all(noisy_registrations(250, seed=7), today=TODAY)
    model = Model.load()
    frequencies = term_frequencies(features)
    prior = 1e-3
    scored = splink_backend.predict(
        features_table(features),
        model,
        prior=prior,
        term_frequencies=frequencies,
        blocking_rules=[rule.sql() for rule in RULES],
    )
    assert scored.num_rows > 500
    scorer = Scorer(model, prior=prior, term_frequencies=frequencies)
    levels_seen: set[tuple[str, int]] = set()
    for row in scored.to_pylist():
        left, right = features[row["rid_l"]], features[row["rid_r"]]
        for spec in COMPARISONS:
            gamma = comparison_vector_value(spec, level_index(spec, left, right))
            assert gamma == row[f"gamma_{spec.name}"], (spec.name, left, right)
            levels_seen.add((spec.name, gamma))
        assert scorer.match_weight(left, right) == pytest.approx(row["match_weight"], abs=1e-9)
    # The sample exercises most levels, so the agreement is not vacuous.
    assert len(levels_seen) >= 25


def test_candidates_come_back_best_first_with_field_levels() -> None:
    registry = rows()
    new = {"first_name": "Ђорђе", "last_name": "Петровић", "sex": "M",
           "date_of_birth": "1994-05-12", "citizenship": "RS"}  # fmt: skip
    scores = score_candidates(new, registry, registry_size=50_000, today=TODAY)
    assert {s.record_id for s in scores[:4]} == {"r01", "r02", "r03", "r04"}
    best = scores[0]
    assert best.match_probability > 0.99
    fields = {f.field: f for f in best.fields}
    assert fields["date_of_birth"].level == "exact"
    assert fields["date_of_birth"].agrees
    assert fields["place_of_birth"].agrees is None  # the new record has no place
    assert scores[-1].match_probability < 0.01
    weights = [s.match_weight for s in scores]
    assert weights == sorted(weights, reverse=True)


def test_a_bigger_registry_lowers_the_probability_of_the_same_evidence() -> None:
    new = {"first_name": "Marko", "last_name": "Jovanović", "sex": "M", "citizenship": "RS"}
    small = score_candidates(new, rows(), registry_size=100, today=TODAY)[0]
    large = score_candidates(new, rows(), registry_size=1_000_000, today=TODAY)[0]
    assert small.record_id == large.record_id
    assert large.match_probability < small.match_probability


def test_rare_names_count_more_than_common_ones_with_frequencies() -> None:
    registry = rows()
    features, _ = prepare_all(registry, today=TODAY)
    frequencies = term_frequencies(features)
    frequencies["sn"]["petrovic"] = 0.05  # pretend Petrović is very common
    new = {"first_name": "Đorđe", "last_name": "Petrović", "sex": "M", "citizenship": "RS"}
    plain = {s.record_id: s for s in score_candidates(new, registry, today=TODAY)}
    adjusted = {
        s.record_id: s
        for s in score_candidates(new, registry, term_frequencies=frequencies, today=TODAY)
    }
    assert adjusted["r01"].match_weight < plain["r01"].match_weight


def test_every_candidate_is_scored_best_first_and_a_bigger_registry_lowers_the_odds() -> None:
    # Speed is measured by bench/registry (search-before-create), not timed here.
    candidates = noisy_registrations(120, seed=3)[:200]
    new = candidates[0]
    small = score_candidates(new, candidates, registry_size=200, today=TODAY)
    big = score_candidates(new, candidates, registry_size=200_000, today=TODAY)
    assert len(big) == len(candidates) >= 150
    probabilities = [s.match_probability for s in big]
    assert probabilities == sorted(probabilities, reverse=True)
    assert {s.record_id for s in big[:1]} == {new["record_id"]}
    assert big[1].match_probability < small[1].match_probability


def test_a_model_for_other_comparisons_is_refused() -> None:
    data = Model.load().to_dict()
    data["splink_settings"]["comparisons"][0]["comparison_levels"][1]["sql_condition"] = "1 = 1"
    with pytest.raises(ModelError, match="first_name"):
        Model.from_dict(data)


def test_the_shipped_model_is_trained_and_round_trips(tmp_path: object) -> None:
    from pathlib import Path

    model = Model.load()
    assert model.is_trained()
    assert 0.5 < model.expected_matches_per_record < 5
    path = Path(str(tmp_path)) / "model.json"
    model.save(path)
    again = Model.load(path)
    assert again.level_params() == model.level_params()
    assert again.link_threshold == model.link_threshold
    # Agreeing fields add evidence, disagreeing ones remove it.
    for comparison in model.level_params():
        non_null = [p for p in comparison if not p.is_null]
        assert non_null[0].weight > 0 > non_null[-1].weight


def test_an_unreadable_model_file_is_a_model_error(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ModelError, match="cannot read model"):
        Model.load(path)


@pytest.mark.parametrize("min_probability", [0.001, 0.3, 0.8, 0.99])
@pytest.mark.parametrize("registry_size", [200, 1_000_000])
def test_a_threshold_leaves_out_exactly_the_less_likely_candidates(
    min_probability: float, registry_size: int
) -> None:
    """Candidates are dropped as soon as they cannot reach the threshold; the rest are
    scored exactly as without one."""
    candidates = noisy_registrations(120, seed=5)[:200]
    for new in candidates[:12]:
        full = score_candidates(new, candidates, registry_size=registry_size, today=TODAY)
        kept = score_candidates(
            new,
            candidates,
            registry_size=registry_size,
            today=TODAY,
            min_probability=min_probability,
        )
        assert kept == [s for s in full if s.match_probability >= min_probability]
        assert len(kept) < len(full)  # the threshold did leave some out


def test_a_threshold_with_term_frequencies_still_gives_exact_scores() -> None:
    registry = rows()
    features, _ = prepare_all(registry, today=TODAY)
    frequencies = term_frequencies(features)
    new = {"first_name": "Đorđe", "last_name": "Petrović", "sex": "M", "citizenship": "RS"}
    full = score_candidates(new, registry, term_frequencies=frequencies, today=TODAY)
    kept = score_candidates(
        new, registry, term_frequencies=frequencies, today=TODAY, min_probability=0.3
    )
    assert kept == [s for s in full if s.match_probability >= 0.3]
    assert kept


@pytest.mark.parametrize("with_frequencies", [False, True])
def test_a_memo_scores_every_pair_as_scoring_it_alone_does(with_frequencies: bool) -> None:
    """One left against many rights with a memo (a search's candidates, mostly namesakes):
    every pair's levels, weights and probability are those of the pair scored on its own,
    in full and when pairs below a threshold are dropped."""
    features, _ = prepare_all(noisy_registrations(120, seed=3), today=TODAY)
    frequencies = term_frequencies(features) if with_frequencies else None
    scorer = Scorer(Model.load(), prior=1e-4, term_frequencies=frequencies)
    rights = list(features)
    for left in rights[:25]:
        memo = scorer.memo()
        assert [scorer.score(left, r, memo) for r in rights] == [
            scorer.score(left, r) for r in rights
        ]
        memo = scorer.memo()
        for threshold in (-5.0, 0.0, 5.0):
            assert [scorer.score_at_least(left, r, threshold, memo) for r in rights] == [
                scorer.score_at_least(left, r, threshold) for r in rights
            ]
        # The memo is used: namesakes were met, each comparison's entries are fewer than the rights.
        assert all(len(entries) < len(rights) for entries in memo)


def test_each_comparison_is_remembered_by_every_column_it_reads() -> None:
    """The memo's key of a comparison holds every column its levels' SQL names and its
    term-frequency column; one naming a column no record has is refused."""
    from palermo.dedup.engine.levels import DATE_OF_BIRTH, FIRST_NAME, ComparisonSpec, Level
    from palermo.dedup.engine.scorer import _columns_read

    assert _columns_read(FIRST_NAME) == ("gc", "gk", "gn", "gnc", "sk", "sn", "sn2")
    assert _columns_read(DATE_OF_BIRTH) == ("dob", "dob_sw", "yob")
    typo = ComparisonSpec("x", "", (Level("x", "gnx_l = gnx_r", lambda x, y: True),))
    with pytest.raises(ValueError, match="gnx"):
        _columns_read(typo)
