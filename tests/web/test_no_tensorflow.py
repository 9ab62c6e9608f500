"""The web process never imports TensorFlow: checked in a fresh interpreter (this one trained the
test model, so TensorFlow is already loaded here)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    from webapp import create_app
    app = create_app({"MOVREC_ENV": "testing", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                      "MOVREC_ARTIFACTS": sys.argv[2], "POSTER_DIR": sys.argv[3],
                      "CELERY": {"broker_url": "sqla+sqlite:///" + sys.argv[3] + "/broker.sqlite"}})
    client = app.test_client()
    for url in ("/", "/movies", "/movies/2", "/users/1", "/model", "/api/movies/2/similar", "/register"):
        assert client.get(url).status_code == 200, url
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
    print("LOADED", loaded)
    import numpy
    from threadpoolctl import threadpool_info
    print("BLAS", sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}))
""")


def test_serving_pages_never_imports_tensorflow(prepared_database, tiny_artifacts_dir, tmp_path):
    if not prepared_database.startswith("sqlite"):
        pytest.skip("checked once, on the SQLite backend: the import graph does not depend on the database")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    result = subprocess.run([sys.executable, "-c", SCRIPT, prepared_database, str(tiny_artifacts_dir), str(tmp_path)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout, result.stdout
    assert "BLAS [1]" in result.stdout, result.stdout  # one BLAS thread per web process
