"""Recommendation quality: the served recommender against classic baselines, on the same split, over seeds.

    python bench/bench_quality.py [--data ../shared/data/ml-1m] [--seeds 0 1 2] [--work DIR] [--no-svdpp] [--quick]

For each seed s the served two-tower model and the old MSE model are trained on the same random 80/20
split (seed s); the liked (4+ star) held-out ratings are the targets of:
- picks for trained users: popularity, EASE, ItemKNN, implicit ALS, the old MSE ranking and the served
  `Recommender.for_user` (Recall@10 two ways, NDCG@10, HR@10, catalogue coverage, training time);
- item-to-item lists seeded by a movie the user liked in training (precision@10, and the largest share of
  the most-rated movies' lists one movie appears in);
- rating accuracy beside the bias baseline and scikit-surprise's SVD and SVD++.
A cold-start model is trained without 10% of the users, who then give their first 0, 5, 10 or 20 ratings.

Prints mean ± standard deviation over the seeds, writes bench/results/quality.json and the `quality`
section of docs/benchmarks.md, and exits 1 when the served picks' Recall@10 is below popularity's.
`--quick` (one seed, no SVD++) only prints, for smoke runs. `implicit` and `scikit-surprise` are
benchmark-only requirements. Artifacts go under --work (a temporary directory by default).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import markdown_table, publish  # noqa: E402
from movrec import baselines, evaluate, star_model  # noqa: E402
from movrec.artifacts import Artifacts  # noqa: E402
from movrec.dataset import Dataset, Ratings, load  # noqa: E402
from movrec.features import rows_of  # noqa: E402
from movrec.recommender import MIN_RATINGS, Recommender  # noqa: E402
from movrec.train import TrainConfig, split, train  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-1m"
K = 10
EASE_LAMBDAS = (100.0, 300.0, 1000.0, 3000.0)
VALIDATION_SHARE = 0.1
KNN_NEIGHBOURS = 200
ALS = {"factors": 64, "regularization": 1.0, "alpha": 2.0, "iterations": 15}
HUB_POOL = 500          # the most-rated movies whose item-to-item lists are checked for one movie filling them
COLD_SHARE = 0.1
COLD_GIVEN = (0, 5, 10, 20)

PICKS = {
    "popularity": "Popularity (most rated in training)",
    "ease": "EASE (numpy, λ tuned on validation)",
    "item_knn": f"ItemKNN (cosine, {KNN_NEIGHBOURS} neighbours)",
    "als": "implicit ALS (64 factors, reg 1, α 2, 15 iterations)",
    "old_mse": "Old MSE model (seed variant, dot product)",
    "served": "**Served picks** (`Recommender.for_user`)",
}
ITEM_LISTS = {
    "similar": "Served `similar` (towers' cosine blended with co-ratings)",
    "also_liked": "Served `also_liked` (co-liked scores)",
    "item_knn": f"ItemKNN cosine neighbours (k={KNN_NEIGHBOURS})",
    "ease": "EASE weights of the seed movie",
}
COLD = {"served": "Served `for_new_user`", "popularity": "Popularity (given movies excluded)",
        "item_knn": "ItemKNN on the given movies (n=0: popularity)"}
RATING = {"served": "**Served predicted stars** (rating head, calibrated: movrec.star_model)",
          "head": "Two-tower rating head, uncorrected", "old_mse": "Old MSE model (seed variant, uncorrected)",
          "bias": "User + movie biases (evaluate.bias_baseline)", "svd": "scikit-surprise SVD (defaults)",
          "svdpp": "scikit-surprise SVD++ (defaults)"}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(fn: Callable, *args, **kwargs) -> tuple[object, float]:
    """fn's result and its wall time in seconds."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


@dataclass(frozen=True)
class TrainTest:
    """A bundle's training ratings (CSR over user rows) and held-out ratings, as rows, with the ranking task."""

    indptr: np.ndarray
    users: np.ndarray
    movies: np.ndarray
    stars: np.ndarray
    matrix: np.ndarray        # users x movies, 1 where rated in training
    test_users: np.ndarray
    test_movies: np.ndarray
    test_stars: np.ndarray
    task: evaluate.RankingTask

    @classmethod
    def of(cls, bundle: Artifacts) -> "TrainTest":
        n_users, n_movies = len(bundle.user_ids), len(bundle.movie_ids)
        users = np.repeat(np.arange(n_users), np.diff(bundle.rated_indptr))
        movies, stars = bundle.rated_movie_rows.astype(np.int64), bundle.rated_stars.astype(np.float64)
        test_users = rows_of(bundle.user_ids, bundle.heldout["user_ids"]).astype(np.int64)
        test_movies = rows_of(bundle.movie_ids, bundle.heldout["movie_ids"]).astype(np.int64)
        test_stars = bundle.heldout["stars"].astype(np.float64)
        task = evaluate.RankingTask.from_ratings(n_movies, users, movies, test_users, test_movies, test_stars)
        return cls(bundle.rated_indptr, users, movies, stars, baselines.interactions(n_users, n_movies, users, movies),
                   test_users, test_movies, test_stars, task)

    def liked_in_training(self, user: int) -> np.ndarray:
        start, end = self.indptr[user], self.indptr[user + 1]
        return self.movies[start:end][self.stars[start:end] >= evaluate.LIKED_STARS]


def same_split(a: Artifacts, b: Artifacts) -> bool:
    return all(np.array_equal(a.heldout[k], b.heldout[k]) for k in a.heldout) and \
        np.array_equal(a.rated_movie_rows, b.rated_movie_rows) and np.array_equal(a.movie_ids, b.movie_ids)


# -- picks for trained users ---------------------------------------------------------------------------

def tune_ease(tt: TrainTest, seed: int) -> float:
    """EASE's λ with the best Recall@10 on a validation slice of the training ratings (never the test split)."""
    fit_rows, val_rows = split(len(tt.stars), VALIDATION_SHARE, seed)
    n_users, n_movies = tt.matrix.shape
    task = evaluate.RankingTask.from_ratings(n_movies, tt.users[fit_rows], tt.movies[fit_rows], tt.users[val_rows],
                                             tt.movies[val_rows], tt.stars[val_rows])
    matrix = baselines.interactions(n_users, n_movies, tt.users[fit_rows], tt.movies[fit_rows])
    recall = {lam: evaluate.evaluate_ranking(task, lambda i, s=baselines.ease(matrix, lam): s(task.users[i]))["recall"]
              for lam in EASE_LAMBDAS}
    return max(recall, key=recall.get)


def fit_als(tt: TrainTest, seed: int) -> tuple[np.ndarray, float]:
    """implicit's CPU ALS on the 0/1 training matrix; returns the users x movies scores and the fit time."""
    from implicit.cpu.als import AlternatingLeastSquares
    from scipy.sparse import csr_matrix
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, "blas"):  # implicit runs its own threads and asks for single-threaded BLAS
        model = AlternatingLeastSquares(**ALS, random_state=seed)
        _, seconds = timed(model.fit, csr_matrix(tt.matrix), show_progress=False)
    return model.user_factors @ model.item_factors.T, seconds


def served_picks(rec: Recommender, tt: TrainTest) -> np.ndarray:
    """Exactly what the site shows each evaluated user: `for_user(user, 10)`, as movie rows."""
    return np.array([[rec.movie_row(m) for m, _ in rec.for_user(int(rec.user_ids[u]), K)] for u in tt.task.users])


def user_picks(tt: TrainTest, rec: Recommender, old: Artifacts, fitted: dict) -> dict:
    """Ranking metrics and training seconds of every system's top-10 for the evaluated users."""
    task = tt.task
    counts = tt.matrix.sum(axis=0)
    scorers = {
        "popularity": lambda i: np.broadcast_to(counts, (len(i), len(counts))),
        "ease": lambda i: tt.matrix[task.users[i]] @ fitted["ease"],
        "item_knn": lambda i: tt.matrix[task.users[i]] @ fitted["item_knn"],
        "als": lambda i: fitted["als"][task.users[i]],
        "old_mse": lambda i: old.user_vectors[task.users[i]] @ old.movie_vectors.T,
    }
    lists = {name: evaluate.rank(task, score, K) for name, score in scorers.items()} | {"served": served_picks(rec, tt)}
    return {name: evaluate.ranking_metrics(task, lists[name], K) | {"seconds": fitted["seconds"][name]}
            for name in PICKS}


# -- item-to-item --------------------------------------------------------------------------------------

def item_lists(rec: Recommender, fitted: dict) -> dict[str, Callable[[int], np.ndarray]]:
    """Each item-to-item list as a function from the seed movie's row to up to 10 movie rows."""
    def served(query):
        return lambda row: np.array([rec.movie_row(m) for m, _ in query(int(rec.movie_ids[row]), K)], np.int64)

    def strongest(weights: Callable[[int], np.ndarray]):
        def top(row: int) -> np.ndarray:
            scores = np.array(weights(row), np.float64)
            scores[row] = -np.inf
            return evaluate.top_k(scores[None], K)[0]
        return top

    return {"similar": served(rec.similar), "also_liked": served(rec.also_liked),
            "item_knn": strongest(lambda row: fitted["item_knn"][:, row]),
            "ease": strongest(lambda row: fitted["ease"][row])}


def item_seeds(tt: TrainTest, seed: int) -> list[tuple[int, np.ndarray]]:
    """(seed movie, liked test movies) for each evaluated user who liked a movie in training; the seed
    movie is one of those, drawn at random."""
    rng = np.random.default_rng(seed)
    pairs = []
    for user, liked in zip(tt.task.users, tt.task.liked):
        liked_before = tt.liked_in_training(user)
        if len(liked_before):
            pairs.append((int(rng.choice(liked_before)), liked))
    return pairs


def item_to_item(tt: TrainTest, lists: dict[str, Callable], pairs: list, titles: np.ndarray) -> dict:
    """Precision@10 of each list against the user's liked test movies, and its hub: the movie found in the
    largest share of the lists of the most-rated movies."""
    popular = np.argsort(-tt.matrix.sum(axis=0), kind="stable")[:HUB_POOL]
    results = {}
    for name, neighbours in lists.items():
        precision = np.mean([np.isin(neighbours(seed), liked).sum() / K for seed, liked in pairs])
        appearances = np.bincount(np.concatenate([neighbours(row) for row in popular]), minlength=len(titles))
        hub = int(np.argmax(appearances))
        results[name] = {"precision": float(precision), "hub_share": float(appearances[hub] / len(popular)),
                         "hub_movie": str(titles[hub])}
    return results


# -- cold start ----------------------------------------------------------------------------------------

def without_users(dataset: Dataset, user_ids: np.ndarray) -> Dataset:
    """The dataset minus these users and all their ratings."""
    r, gone = dataset.ratings, set(user_ids.tolist())
    keep = ~np.isin(r.user_id, user_ids)
    return replace(dataset, users=[u for u in dataset.users if u.user_id not in gone],
                   ratings=Ratings(r.user_id[keep], r.movie_id[keep], r.stars[keep], r.timestamp[keep]))


def timelines(ratings: Ratings, user_ids: np.ndarray) -> list[np.ndarray]:
    """Each user's rating indices in time order."""
    order = np.lexsort((ratings.timestamp, ratings.user_id))
    users = ratings.user_id[order]
    return [order[np.searchsorted(users, u, "left"):np.searchsorted(users, u, "right")] for u in user_ids]


def cold_task(ratings: Ratings, movie_ids: np.ndarray, histories: list[np.ndarray], n: int) -> evaluate.RankingTask:
    """The users (positions in `histories`, their ratings in time order) whose ratings after their first n
    include a 4+ one; `seen` are those first n movies, `liked` the later 4+ ones (movie rows)."""
    users, seen, liked = [], [], []
    for position, timeline in enumerate(histories):
        later = timeline[n:][ratings.stars[timeline[n:]] >= evaluate.LIKED_STARS]
        if len(later):
            users.append(position)
            seen.append(rows_of(movie_ids, ratings.movie_id[timeline[:n]]).astype(np.int64))
            liked.append(rows_of(movie_ids, ratings.movie_id[later]).astype(np.int64))
    return evaluate.RankingTask(np.array(users, np.int64), seen, liked, len(movie_ids))


def cold_start(dataset: Dataset, seed: int, work: Path) -> dict:
    """Recall@10 for users held out of training entirely, given their first n ratings."""
    rng = np.random.default_rng(seed)
    held_out = np.sort(rng.choice([u.user_id for u in dataset.users], round(len(dataset.users) * COLD_SHARE),
                                  replace=False))
    progress(f"seed {seed}: training the cold-start model without {len(held_out)} users")
    metrics = train(without_users(dataset, held_out), work / f"cold-{seed}", TrainConfig(test_size=0.0, seed=seed))
    rec = Recommender.load(work / f"cold-{seed}")
    n_users = len(rec.user_ids)
    matrix = baselines.interactions(n_users, len(rec.movie_ids),
                                    np.repeat(np.arange(n_users), np.diff(rec.artifacts.rated_indptr)),
                                    rec.artifacts.rated_movie_rows)
    counts, sims = matrix.sum(axis=0), baselines.cosine_neighbours(matrix, KNN_NEIGHBOURS)
    people = {u.user_id: u for u in dataset.users}
    r = dataset.ratings
    given = timelines(r, held_out)
    results: dict = {"users": {}, "recall": {name: {} for name in COLD}, "train_seconds": metrics["train_seconds"]}
    for n in COLD_GIVEN:
        task = cold_task(r, rec.movie_ids, given, n)

        def served(position: int) -> list[int]:
            person = people[int(held_out[position])]
            ratings = {int(r.movie_id[i]): float(r.stars[i]) for i in given[position][:n]}
            picks = rec.for_new_user(person.gender, person.age, person.occupation, ratings, K)
            return [rec.movie_row(m) for m, _ in picks]

        lists = {
            "served": np.array([served(p) for p in task.users]),
            "popularity": evaluate.rank(task, lambda i: np.broadcast_to(counts, (len(i), len(counts))), K),
            "item_knn": evaluate.rank(
                task, lambda i: np.array([sims[task.seen[p]].sum(axis=0) if n else counts for p in i]), K),
        }
        results["users"][str(n)] = len(task.users)
        for name in COLD:
            results["recall"][name][str(n)] = evaluate.ranking_metrics(task, lists[name], K)["recall"]
    return results


# -- rating accuracy -----------------------------------------------------------------------------------

def head_stars(bundle: Artifacts, tt: TrainTest) -> np.ndarray:
    """A bundle's rating head for the held-out ratings, uncorrected: the vectors' dot product plus the offset."""
    return np.clip(star_model.uncorrected(bundle.user_rating_vectors[tt.test_users],
                                          bundle.movie_rating_vectors[tt.test_movies],
                                          bundle.metrics["rating_offset"]), 1, 5)


def served_stars(bundle: Artifacts, tt: TrainTest) -> np.ndarray:
    """The stars the site shows for the held-out ratings: the head calibrated by movrec.star_model, each user's
    correction from their training ratings (what `Recommender.predicted_stars` computes one user at a time)."""
    stars = star_model.StarModel(bundle.movie_rating_vectors, bundle.metrics["rating_offset"],
                                 bundle.movie_rating_biases)
    return stars.predict(bundle.user_rating_vectors, tt.test_users, tt.test_movies, tt.users, tt.movies, tt.stars)


def surprise_stars(algorithms: dict, tt: TrainTest, work: Path) -> dict[str, tuple[np.ndarray, float]]:
    """scikit-surprise models trained on exactly the training ratings: (held-out predictions, fit seconds)."""
    from surprise import Dataset as SurpriseData, Reader

    path = work / "training-ratings.txt"
    np.savetxt(path, np.column_stack([tt.users, tt.movies, tt.stars]), fmt="%d")
    trainset = SurpriseData.load_from_file(str(path), Reader(line_format="user item rating", sep=" ",
                                                             rating_scale=(1, 5))).build_full_trainset()
    testset = list(zip(tt.test_users.astype(str), tt.test_movies.astype(str), tt.test_stars))
    results = {}
    for name, algorithm in algorithms.items():
        progress(f"fitting scikit-surprise {name}")
        _, seconds = timed(algorithm.fit, trainset)
        results[name] = (np.array([p.est for p in algorithm.test(testset)]), seconds)
    return results


def rating_accuracy(tt: TrainTest, served: Artifacts, old: Artifacts, seed: int, svdpp: bool, work: Path) -> dict:
    """RMSE, MAE and training seconds of each rating model on the held-out ratings (all clipped to 1-5)."""
    from surprise import SVD, SVDpp

    n_users, n_movies = tt.matrix.shape
    bias, bias_seconds = timed(evaluate.bias_baseline, tt.users, tt.movies, tt.stars, n_users, n_movies)
    predictions = {"served": (served_stars(served, tt), served.metrics["train_seconds"]),
                   "head": (head_stars(served, tt), served.metrics["train_seconds"]),
                   "old_mse": (head_stars(old, tt), old.metrics["train_seconds"]),
                   "bias": (np.clip(bias(tt.test_users, tt.test_movies), 1, 5), bias_seconds)}
    algorithms = {"svd": SVD(random_state=seed)}
    if svdpp:
        algorithms["svdpp"] = SVDpp(random_state=seed, cache_ratings=True)  # caching changes speed, not results
    predictions |= surprise_stars(algorithms, tt, work)
    return {name: {"rmse": evaluate.rmse(p, tt.test_stars), "mae": evaluate.mae(p, tt.test_stars), "seconds": s}
            for name, (p, s) in predictions.items()}


# -- one seed, then all ----------------------------------------------------------------------------------

def fit_baselines(tt: TrainTest, seed: int, served: Artifacts, old: Artifacts) -> dict:
    """Item weights and scores of the baselines, and every system's training seconds."""
    progress(f"seed {seed}: tuning EASE's λ on the validation slice")
    lam = tune_ease(tt, seed)
    ease, ease_seconds = timed(baselines.ease_weights, tt.matrix, lam)
    knn, knn_seconds = timed(baselines.cosine_neighbours, tt.matrix, KNN_NEIGHBOURS)
    _, popularity_seconds = timed(tt.matrix.sum, axis=0)
    progress(f"seed {seed}: fitting implicit ALS")
    als, als_seconds = fit_als(tt, seed)
    return {"ease": ease, "ease_lambda": lam, "item_knn": knn, "als": als,
            "seconds": {"popularity": popularity_seconds, "ease": ease_seconds, "item_knn": knn_seconds,
                        "als": als_seconds, "old_mse": old.metrics["train_seconds"],
                        "served": served.metrics["train_seconds"]}}


def run_seed(dataset: Dataset, seed: int, work: Path, svdpp: bool) -> dict:
    """Every figure of one seed."""
    for variant in ("two_tower", "seed"):
        progress(f"seed {seed}: training the {variant} model")
        train(dataset, work / f"{variant}-{seed}", TrainConfig(variant=variant, test_size=0.2, seed=seed))
    rec = Recommender.load(work / f"two_tower-{seed}")
    old = Artifacts.load(work / f"seed-{seed}")
    if not same_split(rec.artifacts, old):
        raise RuntimeError(f"seed {seed}: the two models were not trained on the same split")
    tt = TrainTest.of(rec.artifacts)
    fitted = fit_baselines(tt, seed, rec.artifacts, old)
    progress(f"seed {seed}: ranking for {len(tt.task.users)} users")
    picks = user_picks(tt, rec, old, fitted)
    pairs = item_seeds(tt, seed)
    items = item_to_item(tt, item_lists(rec, fitted), pairs, rec.artifacts.movie_titles)
    ratings = rating_accuracy(tt, rec.artifacts, old, seed, svdpp, work)
    return {"seed": seed, "ease_lambda": fitted["ease_lambda"], "evaluated_users": len(tt.task.users),
            "item_to_item_users": len(pairs), "picks": picks, "item_to_item": items, "rating": ratings,
            "cold_start": cold_start(dataset, seed, work)}


def summarise(runs: list):
    """Mean and standard deviation over seeds of every number in the per-seed results (all of one shape);
    other values (movie titles) are listed per seed."""
    first = runs[0]
    if isinstance(first, dict):
        return {key: summarise([run[key] for run in runs]) for key in first}
    if isinstance(first, (int, float)):
        return {"mean": float(np.mean(runs)), "sd": float(np.std(runs, ddof=1)) if len(runs) > 1 else None}
    return runs


def fmt(stat: dict, digits: int = 4, scale: float = 1.0) -> str:
    """"mean ± sd" (the mean alone for one seed), times `scale`."""
    text = f"{stat['mean'] * scale:.{digits}f}"
    return text if stat["sd"] is None else f"{text} ± {stat['sd'] * scale:.{digits}f}"


def picks_table(summary: dict) -> str:
    metrics = ("recall", "recall_all", "ndcg", "hr", "coverage")
    return markdown_table(
        ["System", "Recall@10 (hits/min(10, liked))", "Recall@10 (hits/liked)", "NDCG@10", "HR@10", "Coverage",
         "Training (s)"],
        [[label, *(fmt(summary[name][m]) for m in metrics), fmt(summary[name]["seconds"], 1)]
         for name, label in PICKS.items()])


def items_table(summary: dict) -> str:
    return markdown_table(
        ["List of 10", "Precision@10", f"Largest share of the {HUB_POOL} most-rated movies' lists (%)", "Held by"],
        [[label, fmt(summary[name]["precision"]), fmt(summary[name]["hub_share"], 1, 100),
          "; ".join(dict.fromkeys(summary[name]["hub_movie"]))] for name, label in ITEM_LISTS.items()])


def cold_table(summary: dict) -> str:
    return markdown_table(
        ["Ratings given", "Users", *COLD.values()],
        [[n, fmt(summary["users"][str(n)], 0), *(fmt(summary["recall"][name][str(n)]) for name in COLD)]
         for n in COLD_GIVEN])


def rating_table(summary: dict) -> str:
    return markdown_table(
        ["Rating model", "RMSE", "MAE", "Training (s)"],
        [[label, fmt(summary[name]["rmse"]), fmt(summary[name]["mae"]), fmt(summary[name]["seconds"], 1)]
         for name, label in RATING.items() if name in summary])


def report(dataset: Dataset, runs: list[dict], summary: dict, svdpp: bool) -> str:
    """The Markdown section: the four tables and what each measures."""
    seeds = ", ".join(str(run["seed"]) for run in runs)
    lambdas = ", ".join(f"{run['ease_lambda']:g}" for run in runs)
    return (
        "## Recommendation quality (`python bench/bench_quality.py`)\n\n"
        f"Data: {dataset.summary()}. Seeds {seeds}: for each, a random 80/20 split of the ratings (that seed) "
        f"on which the served two-tower model and the old MSE model are trained and every baseline is fitted "
        f"(training ratings only). Figures are the mean ± standard deviation over the seeds.\n\n"
        "### Picks for trained users\n\n"
        f"Each of {fmt(summary['evaluated_users'], 0)} users with a 4+ test rating gets a top 10 from the whole "
        "catalogue minus the movies they rated in training; targets are their 4+ test ratings. Coverage is the "
        f"share of the catalogue in anyone's list. The served picks are exactly `Recommender.for_user(user, 10)`: "
        "the towers' logits blended with EASE's sparse weights of the user's rated movies (`movrec/ease.py`; its "
        f"λ and weight were tuned on the validation slice of seed 0), never a movie with fewer than {MIN_RATINGS} "
        "training ratings. EASE's λ is chosen from "
        f"{', '.join(f'{x:g}' for x in EASE_LAMBDAS)} by Recall@10 on a {VALIDATION_SHARE:.0%} validation slice of "
        f"the training ratings (chosen: {lambdas}), then refitted on all of them; its time excludes that search. "
        "ALS is `implicit`'s CPU implementation with α scaling the 0/1 matrix. Training time is wall time; the "
        "two-tower time covers the picks and the rating head, which are one model.\n\n"
        f"{picks_table(summary['picks'])}\n\n"
        "### Item-to-item lists\n\n"
        f"For each of {fmt(summary['item_to_item_users'], 0)} evaluated users who liked (4+) a movie in training, one "
        "such movie drawn at random seeds a list of 10; precision@10 = the list's movies the user liked in the test "
        "split / 10. The user's training movies are not removed from the lists (a list is the same for everyone). "
        f"The last columns give the movie found in the largest share of the lists of the {HUB_POOL} most-rated "
        "movies (the goal for the served lists: at most 10%).\n\n"
        f"{items_table(summary['item_to_item'])}\n\n"
        "### Cold start\n\n"
        f"The two-tower model (default settings) is trained on all the ratings of {1 - COLD_SHARE:.0%} of "
        "the users; each held-out user then gives their first n ratings in time order and is recommended 10 movies "
        "they have not given; targets are their later 4+ ratings (users whose later ratings include one). Recall@10 "
        "= hits / min(10, liked). The model's settings were tuned on the validation slice of the regular split, "
        f"never on these users. Training took {fmt(summary['cold_start']['train_seconds'], 0)} s.\n\n"
        f"{cold_table(summary['cold_start'])}\n\n"
        "### Rating accuracy\n\n"
        "Predicted stars for the held-out ratings, clipped to 1-5; each model trained on exactly the training "
        "ratings. The served stars correct the rating head by each movie's and each user's shrunk mean residual "
        "on the training ratings (movrec.star_model); the uncorrected head is shown beside them. The two-tower "
        "and old MSE times are those of the picks, the same models." +
        ("" if svdpp else " SVD++ not run (`--no-svdpp` or `--quick`).") + "\n\n"
        f"{rating_table(summary['rating'])}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("MOVREC_DATA_DIR", DEFAULT_DATA))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--work", type=Path, help="where each seed's artifacts go (default: a temporary directory)")
    parser.add_argument("--no-svdpp", action="store_true", help="skip scikit-surprise SVD++ (slow)")
    parser.add_argument("--quick", action="store_true", help="one seed, no SVD++, print only (a smoke run)")
    args = parser.parse_args()
    seeds, svdpp = (args.seeds[:1], False) if args.quick else (args.seeds, not args.no_svdpp)

    dataset = load(args.data)
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        runs = [run_seed(dataset, seed, work, svdpp) for seed in seeds]
    summary = summarise(runs)
    del summary["seed"]
    markdown = report(dataset, runs, summary, svdpp)
    print(markdown)
    if not args.quick:
        publish("quality", markdown, {"seeds": seeds, "svdpp": svdpp, "summary": summary, "per_seed": runs})
    served, popular = summary["picks"]["served"]["recall"]["mean"], summary["picks"]["popularity"]["recall"]["mean"]
    if served < popular:
        print(f"FAIL: the served picks' Recall@10 ({served:.4f}) is below popularity's ({popular:.4f})",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
