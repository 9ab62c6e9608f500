"""Train the default model on the real MovieLens 1M (80/20 split), then time each recommender call.

    python bench/bench_core.py [--data ../shared/data/ml-1m] [--out artifacts-bench] [--calls 2000]

Prints a table and writes bench/results/core.json and the `core` section of docs/benchmarks.md.
Query latencies are measured with one BLAS thread, as the web workers run.
"""

from __future__ import annotations

import webapp.single_thread_blas  # noqa: F401  (one BLAS thread, as the web workers run; before numpy)

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import markdown_table, publish  # noqa: E402
from movrec.dataset import load  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml-1m"
REFERENCE = ("Original TF2 code, 5 epochs, per-batch Python loop (reference, same machine type)", 0.8995, 0.7048, 397)


def median_ms(fn, args_list) -> float:
    """Median wall time of fn(*args) over the argument list, in milliseconds."""
    times = []
    for args in args_list:
        started = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _reusable_metrics(out: Path, sha256: str) -> dict | None:
    """The metrics of artifacts already in `out` when they were trained on the same data."""
    import json

    try:
        metrics = json.loads((out / "metrics.json").read_text())
    except (OSError, ValueError):
        return None
    return metrics if metrics.get("dataset_sha256") == sha256 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("MOVREC_DATA_DIR", DEFAULT_DATA))
    parser.add_argument("--out", default="artifacts-bench")
    parser.add_argument("--epochs", type=int, help="default: the variant's default")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the artifacts in --out if they were trained on this dataset (report their metrics)")
    args = parser.parse_args()

    from movrec.train import TrainConfig, train

    started = time.perf_counter()
    dataset = load(args.data)
    parse_seconds = time.perf_counter() - started
    metrics = _reusable_metrics(Path(args.out), dataset.sha256) if args.reuse else None
    if metrics is None:
        metrics = train(dataset, Path(args.out), TrainConfig(epochs=args.epochs))

    from movrec.recommender import Recommender

    load_started = time.perf_counter()
    rec = Recommender.load(args.out)
    load_ms = (time.perf_counter() - load_started) * 1000
    import numpy as np

    rng = np.random.default_rng(0)
    users = [(int(u),) for u in rng.choice(rec.user_ids, args.calls)]
    movies = [(int(m),) for m in rng.choice(rec.movie_ids, args.calls)]
    rated = [{int(m): int(s) for m, s in zip(rng.choice(rec.movie_ids, 10, replace=False), rng.integers(1, 6, 10))}
             for _ in range(args.calls)]
    latencies = {
        "for_user(k=10)": median_ms(rec.for_user, users),
        "similar(k=10)": median_ms(rec.similar, movies),
        "also_liked(k=10)": median_ms(rec.also_liked, movies),
        "for_new_user(k=10), demographics only": median_ms(rec.for_new_user, [("F", 25, 4, {})] * args.calls),
        "for_new_user(k=10), 10 ratings": median_ms(rec.for_new_user, [("M", 35, 7, r) for r in rated]),
        "because(10 picks, 10 ratings)": median_ms(
            rec.because, [(rec.new_user_vectors("M", 35, 7, r)[0], r, [m for m, _ in rec.for_new_user("M", 35, 7, r)])
                          for r in rated]),
        "predicted_stars(20 movies, 10 ratings)": median_ms(
            rec.predicted_stars, [(rec.new_user_vectors("M", 35, 7, r)[1], r, [m for (m,) in movies[i:i + 20]])
                                  for i, r in enumerate(rated)]),
    }

    accuracy = markdown_table(
        ["Default model on the test split", "RMSE", "MAE", "Towers' Recall@10", "Towers' NDCG@10", "Training wall (s)"],
        [[f"two-tower, {metrics['epochs']} epochs of {metrics['batch_size']} users per batch, "
          f"Adam lr {metrics['learning_rate']}", f"{metrics['test_rmse']:.4f}", f"{metrics['test_mae']:.4f}",
          f"{metrics['test_recall_at_10']:.4f}", f"{metrics['test_ndcg_at_10']:.4f}", f"{metrics['train_seconds']:.1f}"],
         [REFERENCE[0], REFERENCE[1], REFERENCE[2], "-", "-", REFERENCE[3]]])
    queries = markdown_table(["Recommender call (numpy, 1 BLAS thread)", f"Median over {args.calls} calls (ms)"],
                             [[name, f"{ms:.3f}"] for name, ms in latencies.items()])
    markdown = (
        "## Recommender core (`python bench/bench_core.py`)\n\n"
        f"Data: {dataset.summary()}. Split: random {int((1 - metrics['test_size']) * 100)}/"
        f"{int(metrics['test_size'] * 100)}, seed {metrics['seed']} ({metrics['n_test']:,} test ratings). "
        f"Parsing the three files took {parse_seconds:.1f} s; loading the artifacts {load_ms:.0f} ms.\n\n"
        f"{accuracy}\n\nRecall and NDCG here rank by the towers' logits alone (`metrics.json`); the served picks blend "
        "them with EASE's weights. Those, and the baselines beside them over three seeds: "
        f"`python bench/bench_quality.py`.\n\n{queries}\n")
    print(markdown)
    publish("core", markdown, {"metrics": metrics, "latency_ms": latencies, "parse_seconds": parse_seconds,
                               "artifacts_load_ms": load_ms})


if __name__ == "__main__":
    main()
