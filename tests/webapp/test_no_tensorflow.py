"""The web process never imports TensorFlow: checked in a fresh interpreter (this one trained the
test model, so TensorFlow is already loaded here)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    from flask_migrate import upgrade
    from movrec.dataset import load
    from webapp import create_app
    from webapp.services.catalog import import_catalog

    artifacts, data_dir, workdir = sys.argv[1:4]
    app = create_app({"MOVREC_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/movrec.sqlite",
                      "MOVREC_ARTIFACTS": artifacts, "POSTER_DIR": workdir,
                      "CELERY": {"broker_url": f"sqla+sqlite:///{workdir}/broker.sqlite"}})
    with app.app_context():
        upgrade()
        import_catalog(load(data_dir))
    client = app.test_client()
    for url in ("/", "/movies", "/movies/2", "/users/1", "/model", "/api/movies/2/similar", "/register"):
        assert client.get(url).status_code == 200, url
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
    print("LOADED", loaded)
    from threadpoolctl import threadpool_info
    print("BLAS", sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}))
""")


def test_serving_pages_never_imports_tensorflow(tiny_artifacts_dir, tiny_dataset_dir, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tiny_artifacts_dir), str(tiny_dataset_dir), str(tmp_path)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout, result.stdout
    assert "BLAS [1]" in result.stdout, result.stdout  # one BLAS thread per web process
