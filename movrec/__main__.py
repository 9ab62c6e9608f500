"""Command line: `python -m movrec train|recommend|download`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .dataset import DatasetError, load, resolve_data_dir
from .train import VARIANT_DEFAULTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m movrec", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    fetch = commands.add_parser("download", help="locate or download MovieLens 1M and print where it is")
    fetch.add_argument("--data", help="dataset directory (default: $MOVREC_DATA_DIR, else ./data/ml-1m)")

    train = commands.add_parser("train", help="train the model and write the artifacts directory")
    train.add_argument("--data", help="dataset directory (default: $MOVREC_DATA_DIR, else download)")
    train.add_argument("--out", default="artifacts", help="artifacts directory (default: %(default)s)")
    train.add_argument("--epochs", type=int, help="default: 30 (two_tower), 5 (seed)")
    train.add_argument("--batch-size", type=int, help="default: 128 users (two_tower), 256 ratings (seed)")
    train.add_argument("--test-size", type=float, default=0.2,
                       help="share of ratings held out for evaluation, written to heldout.npz; 0 trains on all")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--variant", default="two_tower", choices=sorted(VARIANT_DEFAULTS),
                       help="two_tower (retrieval + rating heads, served) or seed (the original MSE model)")
    train.add_argument("--learning-rate", type=float)
    train.add_argument("--negatives", type=int, default=0,
                       help="two_tower: 0 (default) ranks against the whole catalogue in one softmax; N > 0 "
                            "against N sampled movies per user, log-Q corrected (for catalogues too large)")

    rec = commands.add_parser("recommend", help="print recommendations from trained artifacts")
    rec.add_argument("--artifacts", default="artifacts")
    rec.add_argument("-k", type=int, default=10)
    what = rec.add_mutually_exclusive_group(required=True)
    what.add_argument("--user", type=int, help="movies this MovieLens user will like")
    what.add_argument("--similar", type=int, metavar="MOVIE", help="movies similar to this one")
    what.add_argument("--also-liked", type=int, metavar="MOVIE", help="people who liked this also liked")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "download":
            print(resolve_data_dir(args.data))
        elif args.command == "train":
            return _train(args)
        else:
            return _recommend(args)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _train(args: argparse.Namespace) -> int:
    from .train import TrainConfig, train

    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, test_size=args.test_size,
                         seed=args.seed, variant=args.variant, learning_rate=args.learning_rate,
                         negatives=args.negatives)
    metrics = train(load(args.data), Path(args.out), config)
    if "test_rmse" in metrics:
        print(f"test RMSE {metrics['test_rmse']:.4f}  MAE {metrics['test_mae']:.4f}  "
              f"Recall@10 {metrics['test_recall_at_10']:.4f}")
    print(f"trained in {metrics['train_seconds']:.1f} s; artifacts in {args.out}")
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from .artifacts import ArtifactsError
    from .recommender import Recommender, UnknownMovie, UnknownUser

    try:
        recommender = Recommender.load(args.artifacts)
        if args.user is not None:
            picks = recommender.for_user(args.user, args.k)
            stars = recommender.predicted_stars(recommender.user_rating_vector(args.user),
                                                recommender.user_ratings(args.user), [m for m, _ in picks])
            picks = list(zip((m for m, _ in picks), stars))
            print("predicted stars, movie id, title")
        elif args.similar is not None:
            picks = recommender.similar(args.similar, args.k)
            print("cosine similarity, movie id, title")
        else:
            picks = recommender.also_liked(args.also_liked, args.k)
            print("co-liked score, movie id, title")
    except (UnknownUser, UnknownMovie) as exc:
        print(f"error: {type(exc).__name__}: {exc} is not in the trained model", file=sys.stderr)
        return 2
    except ArtifactsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    titles = recommender.artifacts.movie_titles
    for movie_id, score in picks:
        print(f"{score:7.3f}  {movie_id:>5}  {titles[recommender.movie_row(movie_id)]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
