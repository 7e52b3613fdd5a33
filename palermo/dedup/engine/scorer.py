"""Pure-Python scoring of record pairs with a saved model's m/u parameters.

The registry calls ``score_candidates`` when a registrar is about to create
a person: the app fetches candidates with ``palermo.names.search_keys`` and
date indexes, and this module scores them without a database session, in
well under a millisecond per candidate. The result is what the coordinator's
review screen shows: probability, match weight, and for each field the level
that applied (which fields agreed, which disagreed) with its weight.

The arithmetic is Splink's: match weight = log2(prior odds) + Σ log2(m/u)
over non-null levels, plus Splink's term-frequency adjustment on exact name
matches when term frequencies are given. The batch engine uses the same
``Scorer`` to check cross pairs during clustering.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any

from palermo.dedup.engine.levels import COMPARISONS, ComparisonSpec
from palermo.dedup.engine.model import LevelParams, Model
from palermo.dedup.engine.records import Features, prepare_record

TermFrequencies = Mapping[str, Mapping[str, float]]
# One comparison's level of a pair, as ``Scorer._levels`` yields it: (name, level, weight).
Level = tuple[str, LevelParams, float]
# A column of a level's SQL, on either side of the pair ("dob_sw_l" -> "dob_sw").
_SIDE_COLUMN = re.compile(r"\b([a-z][a-z0-9_]*?)_[lr]\b")


def _columns_read(spec: ComparisonSpec) -> tuple[str, ...]:
    """The ``Features`` a comparison reads: the columns its levels' SQL names (which the
    Python predicates mirror, tested on every scored pair) and their term-frequency
    columns."""
    columns = {c for level in spec.levels for c in _SIDE_COLUMN.findall(level.sql)}
    columns |= {level.tf_column for level in spec.levels if level.tf_column}
    unknown = columns - set(Features._fields)
    if unknown:
        raise ValueError(f"comparison {spec.name} reads columns no record has: {sorted(unknown)}")
    return tuple(sorted(columns))


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One field of a pair: the level that applied and the weight it added."""

    field: str  # comparison name, e.g. "date_of_birth"
    level: str  # level label, e.g. "day_month_swapped"
    gamma: int  # Splink comparison vector value (-1 null, 0 = disagree, higher = closer)
    weight: float  # log2 Bayes factor added, term-frequency adjustment included

    @property
    def agrees(self) -> bool | None:
        """True if the field supports a match, False if against, None if missing."""
        if self.gamma == -1:
            return None
        return self.weight > 0


@dataclass(frozen=True, slots=True)
class PairScore:
    record_id: str
    match_probability: float
    match_weight: float
    fields: tuple[FieldComparison, ...]


def logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def probability_from_weight(weight: float) -> float:
    if weight > 60:
        return 1.0
    odds: float = math.pow(2.0, weight)
    return odds / (1 + odds)


def term_frequencies(records: Iterable[Features]) -> dict[str, dict[str, float]]:
    """Frequency tables for the term-frequency adjustments of exact name matches.

    ``sn``: share of each folded surname among records with a surname (as
    Splink computes it). ``gnc``: share of each folded given name among the
    records *of the same citizenship*: a given name is common or rare within a
    population (Drita among Albanians), and candidate pairs nearly always come
    from one population, so that is the frequency that says how much an exact
    given-name match is worth.
    """
    surnames: Counter[str] = Counter()
    given: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for record in records:
        if record.sn is not None:
            surnames[record.sn] += 1
        if record.gnc is not None:
            given[record.gnc] += 1
        if record.pobc is not None:
            places[record.pobc] += 1
    total = sum(surnames.values())
    return {
        "sn": {value: n / (total + TF_PSEUDO_COUNT) for value, n in surnames.items()},
        "gnc": _within_citizenship(given),
        "pobc": _within_citizenship(places),
    }


# Frequencies are counted as if each group had this many more registrations
# with other values: in a file of three registrations every name would
# otherwise have frequency 1/3 or 1 and agreeing on it would count for nothing.
# On a registry of thousands it changes nothing.
TF_PSEUDO_COUNT = 10


def _within_citizenship(counts: Counter[str]) -> dict[str, float]:
    """Share of each ``value|citizenship`` among the values with that citizenship."""
    per_citizenship: Counter[str] = Counter()
    for value, n in counts.items():
        per_citizenship[value.rsplit("|", 1)[1]] += n
    return {
        value: n / (per_citizenship[value.rsplit("|", 1)[1]] + TF_PSEUDO_COUNT)
        for value, n in counts.items()
    }


class Scorer:
    """Scores pairs of ``Features`` with one model and one prior."""

    def __init__(
        self,
        model: Model,
        *,
        prior: float,
        term_frequencies: TermFrequencies | None = None,
    ) -> None:
        if not 0 < prior < 1:
            raise ValueError("prior must be a probability strictly between 0 and 1")
        if not model.is_trained():
            raise ValueError("the model has levels without m/u; train it first")
        self.model = model
        self.prior = prior
        self.prior_weight = logit2(prior)
        self._tf = term_frequencies or {}
        self._params: list[tuple[ComparisonSpec, list[LevelParams], list[float], list[float]]] = []
        for spec, params in zip(COMPARISONS, model.level_params(), strict=True):
            weights = [p.weight for p in params]
            # log2(u) of the exact level of a term-frequency column (Splink's base).
            log2_u = [math.log2(p.u) if p.tf_column and p.u else 0.0 for p in params]
            self._params.append((spec, params, weights, log2_u))
        # What the comparisons after each one can add at most (their best levels): a pair
        # that cannot reach a caller's threshold is dropped before it is fully compared.
        # Term frequencies can raise an exact level above its weight: then no bound.
        best = [max(weights) for _spec, _params, weights, _u in self._params]
        self._best_after = [sum(best[i + 1 :]) for i in range(len(best))]
        # What each comparison reads of the right record: against one left record, two
        # rights alike in those get the same level (namesakes, in a search).
        self._read: list[Callable[[Features], Any]] = [
            attrgetter(*_columns_read(spec)) for spec, _params, _w, _u in self._params
        ]

    def _tf_adjustment(self, column: str, left: Features, right: Features, log2_u: float) -> float:
        table = self._tf.get(column)
        if not table:
            return 0.0
        values = [table.get(v) for v in (getattr(left, column), getattr(right, column))]
        present = [v for v in values if v is not None]
        if not present:
            return 0.0
        return log2_u - math.log2(max(present))

    def _levels(
        self, left: Features, right: Features, memo: list[dict[Any, Level]] | None = None
    ) -> Iterable[Level]:
        """Each comparison's level of the pair. With ``memo`` (one dictionary per
        comparison, for one ``left`` only), a level is looked up by what the comparison
        reads of ``right`` and worked out only for a right not seen before."""
        for n, (spec, params, weights, log2_u) in enumerate(self._params):
            if memo is not None:
                key = self._read[n](right)
                known = memo[n].get(key)
                if known is not None:
                    yield known
                    continue
            for i, level in enumerate(spec.levels):
                if level.test(left, right):
                    weight = weights[i]
                    if level.tf_column:
                        weight += self._tf_adjustment(level.tf_column, left, right, log2_u[i])
                    found = (spec.name, params[i], weight)
                    break
            else:
                raise AssertionError(f"comparison {spec.name} has no ELSE level")
            if memo is not None:
                memo[n][key] = found
            yield found

    def memo(self) -> list[dict[Any, Level]]:
        """A new memo for ``score``/``score_at_least`` of one left record against many."""
        return [{} for _ in self._params]

    def field_weights(self, left: Features, right: Features) -> dict[str, float]:
        """Weight each comparison adds for this pair (prior not included)."""
        return {name: w for name, _, w in self._levels(left, right)}

    def match_weight(self, left: Features, right: Features) -> float:
        """Final match weight (prior included) of one pair."""
        return self.prior_weight + sum(w for _, _, w in self._levels(left, right))

    def score(
        self, left: Features, right: Features, memo: list[dict[Any, Level]] | None = None
    ) -> PairScore:
        """Probability, weight and per-field levels of ``right`` as a match for ``left``."""
        fields = tuple(
            FieldComparison(name, p.label, p.gamma, w)
            for name, p, w in self._levels(left, right, memo)
        )
        weight = self.prior_weight + sum(f.weight for f in fields)
        return PairScore(right.record_id, probability_from_weight(weight), weight, fields)

    def score_at_least(
        self,
        left: Features,
        right: Features,
        min_weight: float,
        memo: list[dict[Any, Level]] | None = None,
    ) -> PairScore | None:
        """``score(left, right)``, or None as soon as the pair cannot reach ``min_weight``
        (with term frequencies every pair is scored in full)."""
        if self._tf:
            score = self.score(left, right, memo)
            return score if score.match_weight >= min_weight else None
        weight = self.prior_weight
        levels = []
        # One level per comparison, each ending with ELSE (else zip(strict=True) fails).
        pair = self._levels(left, right, memo)
        for level, best_after in zip(pair, self._best_after, strict=True):
            weight += level[2]
            levels.append(level)
            if weight + best_after < min_weight:
                return None
        # The fields only of a pair kept (most are dropped on the way).
        fields = [FieldComparison(name, p.label, p.gamma, w) for name, p, w in levels]
        weight = self.prior_weight + sum(f.weight for f in fields)  # summed as score() does
        return PairScore(right.record_id, probability_from_weight(weight), weight, tuple(fields))


def score_candidates(
    new_record: Mapping[str, object],
    candidates: Iterable[Mapping[str, object] | Features],
    *,
    model: Model | None = None,
    registry_size: int | None = None,
    term_frequencies: TermFrequencies | None = None,
    today: date | None = None,
    min_probability: float = 0.0,
) -> list[PairScore]:
    """Score one new registration against candidate registrations, best first.

    Records are mappings with the CLI's columns (``record_id``, ``first_name``,
    ``last_name``, ``sex``, ``date_of_birth``, ``birth_year``, ``citizenship``,
    ``place_of_birth``; missing keys count as empty), or candidates' ``Features`` already
    prepared (``prepare_typed``). ``registry_size`` (number
    of registrations the candidates were drawn from) sets the prior: one new
    registration is expected to match ``expected_matches_per_record`` of them;
    without it the prior assumes the candidates are the whole registry.
    ``term_frequencies`` (see ``term_frequencies()``) makes rare names count
    more than common ones; without it every exact name match counts the same.
    ``min_probability`` leaves out the candidates less likely than that (and saves
    comparing them in full).
    """
    model = model or default_model()
    left = prepare_record(new_record, today=today)
    rights = [c if isinstance(c, Features) else prepare_record(c, today=today) for c in candidates]
    size = registry_size if registry_size is not None else max(2, len(rights) + 1)
    prior = model.prior_for(size)
    if model is _DEFAULT and not term_frequencies:
        scorer = _default_scorer(prior)
    else:
        scorer = Scorer(model, prior=prior, term_frequencies=term_frequencies)
    # Candidates are mostly namesakes: each comparison's level is worked out once for each
    # different thing it reads of them (the benchmark's searches at 1M, about 230 candidates
    # each, interleaved: 4.1 -> 3.3 ms of scoring a search).
    memo = scorer.memo()
    if min_probability > 0:
        min_weight = logit2(min_probability) - 1e-9  # never drop a pair at the threshold
        kept = (scorer.score_at_least(left, right, min_weight, memo) for right in rights)
        scores = [s for s in kept if s is not None]
    else:
        scores = [scorer.score(left, right, memo) for right in rights]
    scores.sort(key=lambda s: s.match_weight, reverse=True)
    return scores


_DEFAULT: Model | None = None


@lru_cache(maxsize=8)
def _default_scorer(prior: float) -> Scorer:
    """The shipped model's scorer for one prior, made once (search-before-create scores with
    the same model and, for ten minutes at a time, the same prior: ``registry_size``)."""
    return Scorer(default_model(), prior=prior)


def default_model() -> Model:
    """The model shipped with the package, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Model.load()
    return _DEFAULT
