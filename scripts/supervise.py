"""Run the processes of a Procfile together in one terminal, and stop them all cleanly.

    python scripts/supervise.py [--procfile Procfile]       # every process, logs prefixed by name
    python scripts/supervise.py --exec web                  # replace this process by one entry (containers)

Each entry is one command, run as `sh -c 'exec COMMAND'` in a session of its own: the shell expands
`${VAR:-default}` and then becomes the process, so signals reach the process itself. On Ctrl-C (SIGINT) or SIGTERM, or when any process exits by itself, every
process still running gets SIGTERM (gunicorn and Celery then finish their work in progress); whatever is
left after STOP_TIMEOUT seconds (default 20), or after a second Ctrl-C, is killed with its process group.
Exit status: 0 after a requested stop in which every process exited cleanly, otherwise 1.

Without SECRET_KEY in the environment, the processes get the one kept in `$INSTANCE_DIR/secret_key` (default
./instance), which the first start makes: so `./run.sh` and `docker compose up` need no key to be given, and
every process and container that shares the folder signs with the same key.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

CLEAN_EXITS = (0, -signal.SIGTERM, -signal.SIGINT)
ROOT = Path(__file__).resolve().parent.parent


def kept_secret_key(instance_dir: Path) -> str:
    """The secret key stored in ``instance_dir``, made (readable by this user only) if there is none yet.

    Processes starting together agree on one key: each writes its own candidate to a private file and links it
    into place, which only the first one to get there manages.
    """
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        candidate = instance_dir / f".secret_key.{os.getpid()}"
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def read_procfile(path: Path) -> dict[str, str]:
    """`name: command` lines, in file order; blank lines and `#` comments are skipped."""
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip().isidentifier() or not command.strip():
            raise SystemExit(f"{path}:{number}: expected `name: command`, got {line!r}")
        entries[name.strip()] = command.strip()
    return entries


class Supervisor:
    """Starts the entries, relays their output line by line, and stops them together."""

    def __init__(self, entries: dict[str, str], stop_timeout: float):
        self.entries = entries
        self.stop_timeout = stop_timeout
        self.width = max(len(name) for name in entries)
        self.procs: dict[str, subprocess.Popen] = {}
        self.readers: list[threading.Thread] = []
        self.output_lock = threading.RLock()  # re-entered by the signal handler
        self.stop_requests = 0

    def say(self, name: str, text: str) -> None:
        with self.output_lock:
            try:
                sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}\n")
                sys.stdout.flush()
            except (BrokenPipeError, ValueError):
                # The reader is gone (`| tee` ended by the same Ctrl-C): stopping must still finish.
                sys.stdout = open(os.devnull, "w")

    def _relay(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode("utf-8", "replace").rstrip("\n"))
        stream.close()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # piped Python output would otherwise arrive late
        for name, command in self.entries.items():
            proc = subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            self.procs[name] = proc
            self.say("supervise", f"started {name} (pid {proc.pid}): {command}")
            reader = threading.Thread(target=self._relay, args=(name, proc.stdout), daemon=True)
            reader.start()
            self.readers.append(reader)

    def _on_signal(self, signum, _frame) -> None:
        self.stop_requests += 1
        self.say("supervise", f"{signal.Signals(signum).name} received: "
                 + ("stopping everything" if self.stop_requests == 1 else "killing what is left"))

    def _signal_groups(self, sig: int, only_running: bool) -> None:
        for proc in self.procs.values():
            if only_running and proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, sig)  # each process leads its own group (new session)
            except (ProcessLookupError, PermissionError):
                pass

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        self.start()
        exited_alone = None
        while self.stop_requests == 0 and exited_alone is None:
            exited_alone = next((n for n, p in self.procs.items() if p.poll() is not None), None)
            time.sleep(0.2)
        if exited_alone:
            self.say("supervise", f"{exited_alone} exited with status {self.procs[exited_alone].returncode}: "
                     "stopping the others")
        for name, proc in self.procs.items():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # to the leader only: it stops its own children in order
        deadline = time.monotonic() + self.stop_timeout
        while any(p.poll() is None for p in self.procs.values()):
            if self.stop_requests > 1 or time.monotonic() > deadline:
                late = [n for n, p in self.procs.items() if p.poll() is None]
                self.say("supervise", f"killing {', '.join(late)}")
                self._signal_groups(signal.SIGKILL, only_running=True)
                break
            time.sleep(0.1)
        for proc in self.procs.values():
            proc.wait()
        self._signal_groups(signal.SIGKILL, only_running=False)  # children a leader left behind, if any
        for reader in self.readers:
            reader.join(timeout=2)
        statuses = {name: proc.returncode for name, proc in self.procs.items()}
        self.say("supervise", "stopped: " + ", ".join(f"{n} {s}" for n, s in statuses.items()))
        clean = exited_alone is None and all(s in CLEAN_EXITS for s in statuses.values())
        return 0 if clean else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--exec", dest="only", metavar="NAME", help="replace this process by one entry")
    parser.add_argument("--stop-timeout", type=float, default=float(os.environ.get("STOP_TIMEOUT", "20")))
    args = parser.parse_args(argv)
    entries = read_procfile(args.procfile)
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = kept_secret_key(Path(os.environ.get("INSTANCE_DIR") or ROOT / "instance"))
    if args.only:
        if args.only not in entries:
            raise SystemExit(f"{args.procfile}: no entry {args.only!r} (has {', '.join(entries)})")
        os.execv("/bin/sh", ["/bin/sh", "-c", f"exec {entries[args.only]}"])
    if not entries:
        raise SystemExit(f"{args.procfile}: no entries")
    return Supervisor(entries, args.stop_timeout).run()


if __name__ == "__main__":
    sys.exit(main())
