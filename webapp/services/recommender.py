"""The model's recommender: one `Recommender` per process and artifacts directory, loaded on first use, or at
start in a process that serves requests."""
import threading
from pathlib import Path

from flask import Flask, current_app, g
from movrec.artifacts import REQUIRED
from movrec.recommender import Recommender

_loaded: dict[Path, Recommender] = {}
_lock = threading.Lock()


def artifacts_dir() -> Path:
    """The app's artifacts directory (`MOVREC_ARTIFACTS`), absolute: resolved once an app context (a request), so
    an artifacts symlink switched to a new model is followed from the next request on."""
    try:
        return g.artifacts_dir
    except AttributeError:
        g.artifacts_dir = path = Path(current_app.config["MOVREC_ARTIFACTS"]).resolve()
        return path


def get_recommender() -> Recommender:
    """The recommender for the app's artifacts, loaded once per process."""
    path = artifacts_dir()
    recommender = _loaded.get(path)
    if recommender is None:
        with _lock:
            recommender = _loaded.get(path)
            if recommender is None:
                recommender = _loaded[path] = Recommender.load(path)
    return recommender


def load_at_start(app: Flask) -> None:
    """Load the recommender now rather than in the first request, if the artifacts exist yet."""
    with app.app_context():
        if all((artifacts_dir() / name).is_file() for name in REQUIRED):
            get_recommender()
