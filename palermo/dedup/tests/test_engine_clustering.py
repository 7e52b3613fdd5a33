"""Constrained clustering: strong links join, weak links never chain, contradictions never meet."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.dedup.engine import Model, prepare_record
from palermo.dedup.engine.clustering import constrained_clusters, contradiction
from palermo.dedup.engine.records import Features
from palermo.dedup.engine.scorer import Scorer, logit2
from palermo.dedup.tests.test_engine_pipeline import TODAY

pytestmark = pytest.mark.nodb


def record(
    record_id: str, first: str, last: str, sex: str = "", dob: str = "", **other: str
) -> Features:
    return prepare_record(
        {"record_id": record_id, "first_name": first, "last_name": last, "sex": sex,
         "date_of_birth": dob, **other},
        today=TODAY,
    )  # fmt: skip


def test_two_independent_disagreements_are_a_contradiction() -> None:
    a = record("a", "Saša", "Petrović", "M", "1990-02-11")
    assert contradiction(a, record("b", "Saša", "Petrović", "F", "1971-08-25")) is not None
    assert contradiction(a, record("c", "Ivana", "Hoxha", "M", "1990-02-11")) is not None
    assert contradiction(a, record("d", "Ivana", "Petrović", "F", "1990-02-11")) is not None


def test_one_disagreement_is_not_a_contradiction() -> None:
    a = record("a", "Saša", "Petrović", "M", "1990-02-11")
    assert contradiction(a, record("b", "Aleksandar", "Petrovic", "M", "1990-11-02")) is None
    assert contradiction(a, record("c", "Saša", "Petrović", "", "")) is None
    assert contradiction(a, record("d", "Petrović", "Saša", "M", "1990-02-11")) is None  # swap


def scorer(prior: float = 1e-5) -> Scorer:
    return Scorer(Model.load(), prior=prior)


def test_a_record_linked_to_two_incompatible_people_joins_only_one() -> None:
    a = record("a", "Saša", "Petrović", "M", "1990-02-11", citizenship="RS")
    b = record("b", "Saša", "Petrović", "", "", citizenship="RS")  # no sex, no date
    c = record("c", "Saša", "Petrović", "F", "1971-08-25", citizenship="RS")
    features = [a, b, c]
    # Plain connected components would join all three through b.
    strong = logit2(0.999)
    roots, stats = constrained_clusters(
        features, [(0, 1, strong), (1, 2, strong - 1)], scorer(),
        link_threshold=0.9, min_pair_probability=0.0,
    )  # fmt: skip
    assert roots[0] == roots[1] != roots[2]
    assert stats.refused_merges >= 1


def test_a_cluster_does_not_grow_through_one_weak_link() -> None:
    # Different dates of birth for namesakes: both plausible with the middle record,
    # not with each other under a registry-sized prior.
    a = record("a", "Marko", "Jovanović", "M", "1979-01-15", citizenship="RS")
    b = record("b", "Marko", "Jovanović", "M", "", citizenship="RS")
    c = record("c", "Marko", "Jovanović", "M", "2003-10-02", citizenship="RS")
    model_scorer = scorer(prior=1e-6)
    assert model_scorer.score(a, c).match_probability < 0.2
    strong = logit2(0.99)
    roots, _ = constrained_clusters(
        [a, b, c], [(0, 1, strong), (1, 2, strong)], model_scorer,
        link_threshold=0.5, min_pair_probability=0.2,
    )  # fmt: skip
    assert roots[0] != roots[2]


POOL = [
    record("p0", "Drita", "Krasniqi", "F", "2001-09-30", citizenship="XK"),
    record("p1", "Дрита", "Краснићи", "F", "", birth_year="2001", citizenship="XK"),
    record("p2", "Drita", "Krasniqi", "F", "1988-03-03", citizenship="XK"),
    record("p3", "Drita", "Krasniqi", "", "", citizenship="XK"),
    record("p4", "Arben", "Krasniqi", "M", "2001-09-30", citizenship="XK"),
    record("p5", "Krasniqi", "Drita", "F", "2001-09-30"),
    record("p6", "Drita", "Gashi", "F", "2001-09-30", citizenship="AL"),
    record("p7", "Drita", "Krasniqi-Hoxha", "F", "1988-03-03"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(-10, 30)), max_size=25),
    st.sampled_from([0.3, 0.5, 0.9]),
    st.sampled_from([0.0, 0.2, 0.5]),
)
def test_every_pair_inside_a_cluster_is_plausible_and_compatible(
    edges: list[tuple[int, int, float]], link_threshold: float, floor: float
) -> None:
    edges = [(i, j, w) for i, j, w in edges if i != j]
    model_scorer = scorer(prior=1e-4)
    roots, _ = constrained_clusters(
        POOL, edges, model_scorer, link_threshold=link_threshold, min_pair_probability=floor
    )
    given_weight = {}
    for i, j, w in edges:
        given_weight[(min(i, j), max(i, j))] = w  # the last score given for a pair is used
    for i, j in itertools.combinations(range(len(POOL)), 2):
        if roots[i] != roots[j]:
            continue
        assert contradiction(POOL[i], POOL[j]) is None
        weight = given_weight.get((i, j), model_scorer.match_weight(POOL[i], POOL[j]))
        assert weight >= logit2(max(floor, 1e-12)) - 1e-9
