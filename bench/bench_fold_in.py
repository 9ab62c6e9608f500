"""How well new users are served: demographic prior, then fold-in of their first ratings.

    python bench/bench_fold_in.py [--data ../shared/data/ml-1m] [--holdout 0.1]

Trains the seed model without a random 10% of the users, then treats each held-out user as a new
sign-up: their prior comes from their gender, age and occupation, their first n ratings (in time order)
are folded in, and the rest are predicted. Reports RMSE on those remaining ratings for several n and
ridge weights lambda. Writes bench/results/fold_in.json and the `fold_in` section of docs/benchmarks.md.
"""

from __future__ import annotations

import webapp.single_thread_blas  # noqa: F401  (one BLAS thread, as the web workers run; before numpy)

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_core import DEFAULT_DATA  # noqa: E402
from bench.report import markdown_table, publish  # noqa: E402
from movrec import evaluate  # noqa: E402
from movrec.dataset import Ratings, load  # noqa: E402
from movrec.recommender import FOLD_IN_LAMBDA, LIKED_BLEND, MIN_RATINGS, Recommender  # noqa: E402

N_RATED = (0, 1, 3, 5, 10, 20)
BLENDS = tuple(sorted({0.0, 0.5, 1.0, 2.0, LIKED_BLEND}))
LAMBDAS = tuple(sorted({4.0, 16.0, 32.0, 64.0, 128.0, FOLD_IN_LAMBDA}))


def without_users(dataset, held_out: set[int]):
    """The dataset minus the held-out users and all their ratings."""
    keep = ~np.isin(dataset.ratings.user_id, list(held_out))
    r = dataset.ratings
    return replace(dataset, users=[u for u in dataset.users if u.user_id not in held_out],
                   ratings=Ratings(r.user_id[keep], r.movie_id[keep], r.stars[keep], r.timestamp[keep]))


def _recall(rec, scores: np.ndarray, rated_rows: list[int], liked_rows: list[int], k: int = 10) -> float:
    """Share of the top k (as served: rated and rarely rated movies excluded) the user later liked."""
    if not liked_rows:
        return float("nan")
    scores = scores.copy()
    scores[np.bincount(rec.artifacts.rated_movie_rows, minlength=len(scores)) < MIN_RATINGS] = -np.inf
    scores[rated_rows] = -np.inf
    top = np.argpartition(-scores, k)[:k]
    return len(np.intersect1d(top, liked_rows)) / min(k, len(liked_rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("MOVREC_DATA_DIR", DEFAULT_DATA))
    parser.add_argument("--holdout", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    from movrec.train import TrainConfig, train

    dataset = load(args.data)
    rng = np.random.default_rng(0)
    ids = np.array([u.user_id for u in dataset.users])
    held_out = set(int(u) for u in rng.choice(ids, int(len(ids) * args.holdout), replace=False))
    with tempfile.TemporaryDirectory() as out:
        train(without_users(dataset, held_out), Path(out), TrainConfig(epochs=args.epochs))
        rec = Recommender.load(out)

    users = {u.user_id: u for u in dataset.users}
    r = dataset.ratings
    predictions = {(n, lam): [] for n in N_RATED for lam in LAMBDAS}
    recalls = {(n, blend): [] for n in N_RATED for blend in BLENDS}
    actual_all = {n: [] for n in N_RATED}
    for user_id in sorted(held_out):
        mine = np.flatnonzero(r.user_id == user_id)
        mine = mine[np.argsort(r.timestamp[mine], kind="stable")]
        known = [i for i in mine if rec.has_movie(int(r.movie_id[i]))]
        u = users[user_id]
        for n in N_RATED:
            given, rest = known[:n], known[max(N_RATED):]  # the same predicted ratings for every n
            ratings = {int(r.movie_id[i]): float(r.stars[i]) for i in given}
            rest_rows = [rec.movie_row(int(r.movie_id[i])) for i in rest]
            actual_all[n].extend(r.stars[rest])
            for lam in LAMBDAS:
                vector = rec.new_user_vector(u.gender, u.age, u.occupation, ratings, lam=lam)
                predictions[(n, lam)].extend(rec.artifacts.movie_vectors[rest_rows] @ vector)
            liked_later = [rec.movie_row(int(r.movie_id[i])) for i in rest if r.stars[i] >= 4]
            for blend in BLENDS:
                scores = rec.new_user_scores(u.gender, u.age, u.occupation, ratings, blend=blend)
                recalls[(n, blend)].append(_recall(rec, scores, [rec.movie_row(m) for m in ratings], liked_later))

    header = ["ratings folded in", *[f"RMSE, λ={lam:g}" for lam in LAMBDAS]]
    rows = []
    data = {}
    for n in N_RATED:
        actual = np.array(actual_all[n])
        values = [evaluate.rmse(np.array(predictions[(n, lam)]), actual) for lam in LAMBDAS]
        data[n] = dict(zip((str(lam) for lam in LAMBDAS), values))
        rows.append([n if n else "0 (demographic prior only)", *[f"{v:.4f}" for v in values]])
    recall_header = ["ratings folded in", *[f"recall@10, blend={b:g}" for b in BLENDS]]
    recall_rows = []
    for n in N_RATED:
        values = [float(np.nanmean(recalls[(n, b)])) for b in BLENDS]
        data[n].update({f"recall@10 blend={b:g}": v for b, v in zip(BLENDS, values)})
        recall_rows.append([n if n else "0 (demographic prior only)", *[f"{v:.4f}" for v in values]])
    markdown = (
        "## New users: demographic prior and fold-in (`python bench/bench_fold_in.py`)\n\n"
        f"The seed model trained without {len(held_out)} random users ({args.holdout:.0%}); each of them then "
        f"signs up: prior from gender, age and occupation, their first n ratings folded in, RMSE on their "
        f"ratings after the first {max(N_RATED)}. The site uses λ={FOLD_IN_LAMBDA:g}.\n\n"
        f"{markdown_table(header, rows)}\n\n"
        f"Picks for the same users at λ={FOLD_IN_LAMBDA:g}: the predicted rating plus `blend` times the highest "
        f"cosine similarity to a movie they rated 4+ (the site uses blend={LIKED_BLEND:g}); recall@10 of the movies "
        f"they rated 4+ after their first {max(N_RATED)} ratings, rated and rarely rated movies excluded.\n\n"
        f"{markdown_table(recall_header, recall_rows)}\n")
    print(markdown)
    publish("fold_in", markdown, {"held_out_users": len(held_out), "rmse": data})


if __name__ == "__main__":
    main()
