"""One `Recommender` per process and artifacts directory, loaded on first use."""
import threading
from pathlib import Path

from flask import current_app
from movrec.recommender import Recommender

_loaded: dict[Path, Recommender] = {}
_lock = threading.Lock()


def get_recommender() -> Recommender:
    """The recommender for the app's `MOVREC_ARTIFACTS`, loaded once per process."""
    path = Path(current_app.config["MOVREC_ARTIFACTS"]).resolve()
    recommender = _loaded.get(path)
    if recommender is None:
        with _lock:
            recommender = _loaded.get(path)
            if recommender is None:
                recommender = _loaded[path] = Recommender.load(path)
    return recommender
