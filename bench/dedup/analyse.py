"""Error analysis of one engine run against the generator's truth (development tool).

    python -m bench.dedup.analyse DATA.csv [--model MODEL.json] [--threshold P] [--examples 20]

Runs ``link_records`` in this process, keeps every scored pair, and sorts the
true pairs the clustering missed into: never blocked together, scored below
the link threshold, or scored above it but kept apart by the clustering (a
contradiction, the cross-pair floor, or a refused merge). False pairs are
sorted by the levels of the pair. The truth is only read here, never by the
engine.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
from collections import Counter, defaultdict
from pathlib import Path

from palermo.dedup.engine.clustering import contradiction
from palermo.dedup.engine.csvio import read_registrations
from palermo.dedup.engine.levels import COMPARISONS
from palermo.dedup.engine.model import Model
from palermo.dedup.engine.pipeline import link_records, prepare_all
from palermo.dedup.engine.scorer import Scorer, logit2, probability_from_weight, term_frequencies

SHORT = {"first_name": "g", "last_name": "s", "date_of_birth": "d", "sex": "x",
         "citizenship": "c", "place_of_birth": "p"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--examples", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    with args.data.open(encoding="utf-8") as f:
        raw = {r["record_id"]: r for r in csv.DictReader(f)}
    model = Model.load(args.model)
    rows = read_registrations(args.data)
    result = link_records(rows, model=model, threshold=args.threshold, pair_threshold=0.0)
    threshold = args.threshold or model.link_threshold
    ids = result.record_ids
    index = {r: i for i, r in enumerate(ids)}
    cluster = dict(zip(ids, result.cluster_ids, strict=True))
    person = {r: raw[r]["person_id"] for r in ids}
    features, _ = prepare_all(rows)
    scorer = Scorer(model, prior=result.prior, term_frequencies=term_frequencies(features))

    pairs = result.pairs
    scored: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {}
    cols = [pairs.column(c).to_pylist() for c in
            ("record_id_l", "record_id_r", "match_probability", *[s.name for s in COMPARISONS])]  # fmt: skip
    for a, b, p, *levels in zip(*cols, strict=True):
        key = (a, b) if a < b else (b, a)
        scored[key] = (p, tuple(levels))

    by_person: dict[str, list[str]] = defaultdict(list)
    for r in ids:
        by_person[person[r]].append(r)
    status: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    level_combos: dict[str, Counter[str]] = defaultdict(Counter)
    field_levels: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    prob_hist: Counter[str] = Counter()

    def describe(a: str, b: str) -> str:
        ra, rb = raw[a], raw[b]
        keys = ("first_name", "last_name", "sex", "date_of_birth", "birth_year", "citizenship",
                "place_of_birth")  # fmt: skip
        return " | ".join(f"{ra[k]}~{rb[k]}" for k in keys)

    def levels_of(a: str, b: str) -> tuple[float, tuple[str, ...]]:
        fa, fb = features[index[a]], features[index[b]]
        s = scorer.score(fa, fb)
        return s.match_probability, tuple(f.level for f in s.fields)

    members_of: dict[str, list[str]] = defaultdict(list)
    for r in ids:
        members_of[cluster[r]].append(r)
    floor = logit2(model.min_pair_probability)

    def blocker(a: str, b: str) -> str:
        """Why clusters of a and b stay apart: the first failing cross pair."""
        for x in members_of[cluster[a]]:
            for y in members_of[cluster[b]]:
                fx, fy = features[index[x]], features[index[y]]
                same = "same person" if person[x] == person[y] else "other person"
                if contradiction(fx, fy) is not None:
                    return f"cross pair contradiction ({same})"
                if scorer.match_weight(fx, fy) < floor:
                    return f"cross pair under floor ({same})"
        return "no failing cross pair (refused earlier / size)"

    def combo(levels: tuple[str, ...]) -> str:
        return " ".join(f"{SHORT[s.name]}={lv}" for s, lv in zip(COMPARISONS, levels, strict=True))

    for members in by_person.values():
        for a, b in itertools.combinations(members, 2):
            key = (a, b) if a < b else (b, a)
            if cluster[a] == cluster[b]:
                status["tp"] += 1
                continue
            entry = scored.get(key)
            if entry is None:
                kind = "fn: not blocked"
                p, levels = levels_of(a, b)
            else:
                p, levels = entry
                if p < threshold:
                    kind = "fn: below threshold"
                else:
                    why = contradiction(features[index[a]], features[index[b]])
                    kind = f"fn: above threshold, {why or blocker(a, b)}"
            status[kind] += 1
            prob_hist[f"{kind} p={min(int(p * 10), 9) / 10:.1f}"] += 1
            level_combos[kind][combo(levels)] += 1
            for s, lv in zip(COMPARISONS, levels, strict=True):
                field_levels[kind][(s.name, lv)] += 1
            if len(examples[kind]) < args.examples:
                examples[kind].append(f"p={p:.3f} {combo(levels)}\n      {describe(a, b)}")

    # False pairs inside clusters.
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for r in ids:
        by_cluster[cluster[r]].append(r)
    for members in by_cluster.values():
        for a, b in itertools.combinations(members, 2):
            if person[a] == person[b]:
                continue
            key = (a, b) if a < b else (b, a)
            entry = scored.get(key)
            p, levels = entry if entry is not None else levels_of(a, b)
            kind = "fp: linked pair" if p >= threshold else "fp: via cluster"
            status[kind] += 1
            prob_hist[f"{kind} p={min(int(p * 10), 9) / 10:.1f}"] += 1
            level_combos[kind][combo(levels)] += 1
            for s, lv in zip(COMPARISONS, levels, strict=True):
                field_levels[kind][(s.name, lv)] += 1
            if len(examples[kind]) < args.examples:
                examples[kind].append(f"p={p:.3f} {combo(levels)}\n      {describe(a, b)}")

    tp = status["tp"]
    fn = sum(v for k, v in status.items() if k.startswith("fn"))
    fp = sum(v for k, v in status.items() if k.startswith("fp"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nprior {result.prior:.3g} ({logit2(result.prior):.2f}); stats {result.cluster_stats}")
    print(f"TP {tp} FN {fn} FP {fp}: P {precision:.4f} R {recall:.4f} "
          f"F1 {2 * precision * recall / (precision + recall):.4f}")  # fmt: skip
    for kind, n in status.most_common():
        print(f"  {kind}: {n}")
    print("\nprobability histogram")
    for key in sorted(prob_hist):
        print(f"  {key}: {prob_hist[key]}")
    for kind in sorted(level_combos):
        print(f"\n== {kind}: level combinations")
        for c, n in level_combos[kind].most_common(args.top):
            print(f"  {n:6d}  {c}")
        print("  -- per field")
        for field in (s.name for s in COMPARISONS):
            row = {lv: n for (f, lv), n in field_levels[kind].items() if f == field}
            print(f"    {field}: " + ", ".join(f"{k} {v}" for k, v in
                                             sorted(row.items(), key=lambda x: -x[1])))  # fmt: skip
        print("  -- examples")
        for e in examples[kind]:
            print(f"    {e}")
    _ = probability_from_weight


if __name__ == "__main__":
    main()


def true_m_u(data: Path, model_path: Path | None = None, samples: int = 500_000) -> None:
    """m and u of every level measured with the truth, beside the model's (development sets only)."""
    import random

    with data.open(encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    features, _ = prepare_all(raw)
    model = Model.load(model_path)
    person = [r["person_id"] for r in raw]
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(person):
        by_person[p].append(i)
    from palermo.dedup.engine.levels import level_index

    m_counts = [Counter() for _ in COMPARISONS]
    for members in by_person.values():
        for a, b in itertools.combinations(members, 2):
            for k, spec in enumerate(COMPARISONS):
                m_counts[k][level_index(spec, features[a], features[b])] += 1
    rng = random.Random(1)
    u_counts = [Counter() for _ in COMPARISONS]
    n = len(features)
    for _ in range(samples):
        a, b = rng.randrange(n), rng.randrange(n)
        if person[a] == person[b]:
            continue
        for k, spec in enumerate(COMPARISONS):
            u_counts[k][level_index(spec, features[a], features[b])] += 1
    for k, (spec, params) in enumerate(zip(COMPARISONS, model.level_params(), strict=True)):
        mt = sum(v for i, v in m_counts[k].items() if not spec.levels[i].is_null)
        ut = sum(v for i, v in u_counts[k].items() if not spec.levels[i].is_null)
        print(f"{spec.name}")
        for i, level in enumerate(spec.levels):
            if level.is_null:
                continue
            m, u = m_counts[k][i] / max(mt, 1), u_counts[k][i] / max(ut, 1)
            p = params[i]
            import math

            tw = math.log2(m / u) if m and u else float("nan")
            print(f"  {level.label:18s} true m {m:.4f} u {u:.6f} w {tw:6.2f} | model m {p.m:.4f} "
                  f"u {p.u:.6f} w {p.weight:6.2f}")  # fmt: skip
