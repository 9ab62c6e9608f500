"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The compose file must parse, reference only services, volumes, images and build targets it defines, and
run in each service the same command as ./run.sh runs without Docker (a Procfile entry, or prepare.sh).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from supervise import read_procfile  # noqa: E402

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
PROCFILE = read_procfile(ROOT / "Procfile")
EXTERNAL_IMAGES = {"db": "postgres:", "redis": "redis:"}
APP_SERVICES = [name for name in SERVICES if name not in EXTERNAL_IMAGES]


def dockerfile_stages() -> dict[str, str]:
    """Stage name -> its text, from `FROM ... AS name` to the next FROM."""
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"(?m)^FROM\s+\S+\s+AS\s+(\S+)\s*$", text)
    return dict(zip(parts[1::2], parts[2::2]))


def test_depends_on_names_only_defined_services():
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on undefined service {dependency}"
            assert dependency != name


def test_named_volumes_are_declared_and_used():
    declared = set(COMPOSE["volumes"])
    used = set()
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} mounts undeclared volume {source}"
                used.add(source)
    assert used == declared, f"declared but unused: {declared - used}"
    for needed in ("pgdata", "artifacts", "posters"):  # database, model and posters outlive containers
        assert needed in used


def test_images_are_external_or_built_here_from_a_dockerfile_stage():
    stages = dockerfile_stages()
    built: dict[str, str] = {}
    for name, service in SERVICES.items():
        if name in EXTERNAL_IMAGES:
            assert service["image"].startswith(EXTERNAL_IMAGES[name]) and "build" not in service
            continue
        target = service["build"]["target"]
        assert target in stages, f"{name} builds target {target}, not a stage of the Dockerfile"
        assert built.setdefault(service["image"], target) == target, f"{service['image']} built from two targets"


def test_tensorflow_stays_out_of_the_web_image():
    stages = dockerfile_stages()
    assert "optional-dependencies" not in stages["web"] and "tensorflow" not in stages["web"]
    assert "['train']" in stages["trainer"]
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("tensorflow")]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["build"]["target"] == "web"
    assert SERVICES["init"]["build"]["target"] == "trainer"


def test_each_service_runs_the_command_run_sh_runs():
    run_sh = (ROOT / "run.sh").read_text()
    assert "scripts/prepare.sh" in run_sh and "scripts/supervise.py --procfile Procfile" in run_sh
    assert SERVICES["init"]["command"] == ["scripts/prepare.sh"]
    assert os.access(ROOT / "scripts/prepare.sh", os.X_OK)
    served = set()
    for name in APP_SERVICES:
        if name == "init":
            continue
        command = SERVICES[name]["command"]
        assert command[:3] == ["python", "scripts/supervise.py", "--exec"] and len(command) == 4, command
        assert command[3] in PROCFILE, f"{name} runs {command[3]}, which the Procfile does not define"
        served.add(command[3])
    assert served == set(PROCFILE), "every Procfile process has its service, and no other"


def test_app_services_wait_for_init_and_healthy_backends():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["init"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    assert set(SERVICES["init"]["depends_on"]) == {"db", "redis"}
    assert SERVICES["init"]["restart"] == "no"


def test_health_checks():
    for name in ("db", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])


def test_app_services_keep_their_state_in_one_volume_at_the_images_instance_dir():
    instance_dir = re.search(r"INSTANCE_DIR=(\S+)", dockerfile_stages()["web"]).group(1)
    for name in ("web", "worker", "beat"):
        assert f"state:{instance_dir}" in SERVICES[name]["volumes"], name  # the kept SECRET_KEY is shared


def test_every_image_installs_the_pinned_versions():
    for name, stage in dockerfile_stages().items():
        installs = re.findall(r"pip install (.*)", stage)
        assert installs, name
        for arguments in installs:
            assert "-c constraints.txt" in arguments or "--no-deps" in arguments, (name, arguments)
    assert "constraints.txt" in re.search(r"(?m)^COPY (.*)$", dockerfile_stages()["web"]).group(1)


def test_env_example_documents_every_variable_the_compose_files_read():
    text = (ROOT / "docker-compose.yml").read_text() + (ROOT / "docker-compose.movielens.yml").read_text()
    read = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    documented = set(re.findall(r"(?m)^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text()))
    assert read <= documented, f"not in .env.example: {sorted(read - documented)}"


def _compose(tmp_path: Path, *args: str, files=("docker-compose.yml",), **env: str) -> subprocess.CompletedProcess:
    """docker-compose on ``files`` with an empty env file: a developer's own .env must not decide the outcome."""
    no_env_file = tmp_path / "empty.env"
    no_env_file.write_text("")
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "MOVIELENS_DIR")}
    return subprocess.run(["docker-compose", *(arg for f in files for arg in ("-f", str(ROOT / f))),
                           "--env-file", str(no_env_file), *args],
                          env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60)


needs_compose = pytest.mark.skipif(shutil.which("docker-compose") is None,
                                   reason="docker-compose (Debian package docker-compose) is not installed")


@needs_compose
def test_docker_compose_accepts_the_file_with_or_without_a_secret(tmp_path):
    given = _compose(tmp_path, "config", SECRET_KEY="s" * 64)
    assert given.returncode == 0, given.stderr
    assert yaml.safe_load(given.stdout)["services"]["web"]["environment"]["SECRET_KEY"] == "s" * 64
    kept = _compose(tmp_path, "config")  # none given: supervise.py makes one in the state volume
    assert kept.returncode == 0, kept.stderr
    assert not yaml.safe_load(kept.stdout)["services"]["web"]["environment"]["SECRET_KEY"]


@needs_compose
def test_a_local_movielens_copy_is_mounted_for_init_only(tmp_path):
    files = ("docker-compose.yml", "docker-compose.movielens.yml")
    local = _compose(tmp_path, "config", files=files, MOVIELENS_DIR=str(tmp_path))
    assert local.returncode == 0, local.stderr
    services = yaml.safe_load(local.stdout)["services"]
    assert services["init"]["environment"]["MOVREC_DATA_DIR"] == "/movielens"
    assert f"{tmp_path}:/movielens:ro" in services["init"]["volumes"]
    assert "artifacts:/app/artifacts:rw" in services["init"]["volumes"]  # the base file's mounts stay
    for name in ("web", "worker", "beat"):
        assert not any("/movielens" in str(v) for v in services[name].get("volumes", [])), name
    missing = _compose(tmp_path, "config", "-q", files=files)
    assert missing.returncode != 0 and "MOVIELENS_DIR" in missing.stderr
