"""Constrained clustering: link strong pairs, never chain through a weak link.

Plain connected components at a threshold joins two people as soon as one
record of each is linked to a third record, and in a registry where many
people share a full name such chains grow into clusters of dozens. Here:

1. Candidate links are the pairs with match probability ≥ ``link_threshold``,
   taken strongest first (as in single-linkage / Kruskal).
2. Two clusters A and B are merged only if *every* pair (a, b), a in A and b
   in B, passes: its match probability is at least ``min_pair_probability``
   (pairs the blocking did not score are scored now with the same model), and
   it holds no strong contradiction (see ``contradiction``).
3. A refused merge stays refused: clusters only grow, so the offending pair
   stays inside them.
4. A second pass compares whole clusters: for two clusters joined by some
   scored pair, the evidence of each field is the best that field shows
   between any of their records (given and surname taken together, from one
   pair, so a swap is not counted twice). One person's registrations
   complement each other (one has the full date, another the Cyrillic
   spelling the new record uses), so a cluster can match a record that no
   single registration matches well enough. The merge still has to pass the
   checks of step 2.

The result is a clustering in which every pair of records in a cluster is at
least plausible and no two records contradict each other strongly; a
cluster is a set of mutually compatible registrations, not a chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from palermo.dedup.engine.levels import DATE_OF_BIRTH, FIRST_NAME, LAST_NAME, SEX, level_index
from palermo.dedup.engine.records import Features
from palermo.dedup.engine.scorer import Scorer, logit2

# Cross pairs checked for one merge at most; larger merges are refused. With a
# few registrations per person this is never reached by real duplicates.
MAX_CROSS_CHECKS = 2500

_FULL_DATES_DIFFER = [lv.label for lv in DATE_OF_BIRTH.levels].index("full_dates_differ")
_DATE_DIFFERENT = len(DATE_OF_BIRTH.levels) - 1
_GIVEN_DIFFERENT = len(FIRST_NAME.levels) - 1
_SURNAME_DIFFERENT = {
    i for i, lv in enumerate(LAST_NAME.levels) if lv.label in ("different_not_male", "different")
}
_SEX_DIFFERENT = len(SEX.levels) - 1


def contradiction(left: Features, right: Features) -> str | None:
    """Why two registrations cannot be one person, or None.

    Registrations of one person may disagree on one field (a typo, a married
    name, a guessed date); they do not disagree on two independent ones.
    """
    sex_differs = level_index(SEX, left, right) == _SEX_DIFFERENT
    given = level_index(FIRST_NAME, left, right)
    surname = level_index(LAST_NAME, left, right)
    dob = level_index(DATE_OF_BIRTH, left, right)
    dates_differ = dob in (_FULL_DATES_DIFFER, _DATE_DIFFERENT)
    if given == _GIVEN_DIFFERENT and surname in _SURNAME_DIFFERENT:
        return "names clearly different"
    if dates_differ and sex_differs:
        return "different dates of birth and different sex"
    if given == _GIVEN_DIFFERENT and sex_differs:
        return "different given names and different sex"
    if given == _GIVEN_DIFFERENT and dates_differ:
        return "different given names and different dates of birth"
    return None


@dataclass(frozen=True)
class ClusterStats:
    candidate_links: int
    merges: int
    refused_merges: int
    pairs_scored_in_python: int
    profile_merges: int = 0


class _Components:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        return a


def constrained_clusters(
    features: Sequence[Features],
    edges: Iterable[tuple[int, int, float]],
    scorer: Scorer,
    *,
    link_threshold: float,
    min_pair_probability: float,
) -> tuple[list[int], ClusterStats]:
    """Cluster records given scored pairs ``(i, j, match_weight)`` (indexes into ``features``).

    ``edges`` may contain every scored pair; those below ``link_threshold`` are
    only used as known scores for the cross-pair checks. Returns the cluster
    representative (an index) of every record and counters for the log.
    """
    link_weight = logit2(min(max(link_threshold, 1e-12), 1 - 1e-12))
    floor_weight = logit2(min(max(min_pair_probability, 1e-12), 1 - 1e-12))
    known: dict[tuple[int, int], float] = {}
    candidates: list[tuple[float, int, int]] = []
    for i, j, weight in edges:
        key = (i, j) if i < j else (j, i)
        known[key] = weight
        if weight >= link_weight:
            candidates.append((weight, key[0], key[1]))
    candidates.sort(reverse=True)

    comps = _Components(len(features))
    refused: set[tuple[int, int]] = set()
    merges = refusals = scored = 0

    def profile_weight(members_a: list[int], members_b: list[int]) -> float:
        if len(members_a) * len(members_b) > MAX_CROSS_CHECKS:
            return float("-inf")
        best: dict[str, float] = {}
        for x in members_a:
            for y in members_b:
                fields = scorer.field_weights(features[x], features[y])
                names = fields.pop("first_name") + fields.pop("last_name")
                fields["names"] = names
                for name, weight in fields.items():
                    if weight > best.get(name, float("-inf")):
                        best[name] = weight
        return scorer.prior_weight + sum(best.values())

    def compatible(a: int, b: int) -> bool:
        nonlocal scored
        members_a, members_b = comps.members[a], comps.members[b]
        if len(members_a) * len(members_b) > MAX_CROSS_CHECKS:
            return False
        for x in members_a:
            for y in members_b:
                key = (x, y) if x < y else (y, x)
                weight = known.get(key)
                if weight is None:
                    weight = scorer.match_weight(features[x], features[y])
                    known[key] = weight
                    scored += 1
                if weight < floor_weight:
                    return False
                if contradiction(features[x], features[y]) is not None:
                    return False
        return True

    for _, i, j in candidates:
        a, b = comps.find(i), comps.find(j)
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in refused:
            continue
        if compatible(a, b):
            comps.union(a, b)
            merges += 1
        else:
            refused.add(pair)
            refusals += 1
    # Pass 2: cluster profiles.
    consider_weight = logit2(min(max(min_pair_probability, 1e-12), 1 - 1e-12))
    profile_merges = 0
    changed = True
    while changed:
        changed = False
        pairs: dict[tuple[int, int], None] = {}
        for (i, j), weight in known.items():
            if weight < consider_weight:
                continue
            a, b = comps.find(i), comps.find(j)
            if a != b and (len(comps.members[a]) > 1 or len(comps.members[b]) > 1):
                pairs[(a, b) if a < b else (b, a)] = None
        ranked = sorted(
            ((profile_weight(comps.members[a], comps.members[b]), a, b) for a, b in pairs),
            reverse=True,
        )
        for weight, a0, b0 in ranked:
            if weight < link_weight:
                break
            a, b = comps.find(a0), comps.find(b0)
            if a == b or ((a0, b0) != (a, b) and (b0, a0) != (a, b)):
                continue  # a cluster changed since ranking; the next round sees it
            key = (a, b) if a < b else (b, a)
            if key in refused:
                continue
            if compatible(a, b):
                comps.union(a, b)
                merges += 1
                profile_merges += 1
                changed = True
            else:
                refused.add(key)
                refusals += 1
    roots = [comps.find(i) for i in range(len(features))]
    return roots, ClusterStats(len(candidates), merges, refusals, scored, profile_merges)
