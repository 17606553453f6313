#!/usr/bin/env python3
"""`make hub`: a real JupyterHub here, signing in with Arcade's authenticator, one JupyterLab with
Arcade per user.

Starts moto's Secrets Manager server (the one stand-in: there is no AWS here), writes the users'
secret with `arcade-hub-users` (Argon2id hashes; never a password), and runs JupyterHub with
configurable-http-proxy and deploy/hub-local/jupyterhub_config.py until interrupted.

    run.py --state DIR --hub-venv DIR --notebook DIR --notebook-venv DIR --chp FILE --moto FILE
           [--port 8100] [--users users.json] [--cache-ttl 60] [--max-failures 5]
           [--lockout-window 300]

users.json: {"name": {"password": "...", "admin": true}, ...}. Without it, two users are made with
random passwords, written to DIR/users.json (readable by you only) and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SECRET = "arcade/hub-users"
REGION = "us-east-1"
SAMPLE = ROOT / "sample-workspace" / "notebooks" / "00_quickstart.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, what: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise SystemExit(f"hub: {what} exited with status {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"hub: {what} did not answer at {url} within {seconds:.0f} s")
        time.sleep(0.3)


def marked_processes(mark: str) -> list[int]:
    """Processes started for this hub's users (their environment carries ARCADE_HUB_MARK)."""
    needle = f"ARCADE_HUB_MARK={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop_marked(mark: str) -> None:
    """Single-user servers and their kernels left behind by a stopped hub."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = marked_processes(mark)
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while pids and time.monotonic() < deadline:
            pids = marked_processes(mark)
            time.sleep(0.2)
        if not pids:
            return


def default_users() -> dict[str, dict]:
    return {
        "ada": {"password": secrets.token_urlsafe(12), "admin": True},
        "grace": {"password": secrets.token_urlsafe(12), "admin": False},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--state", required=True)
    ap.add_argument("--hub-venv", required=True)
    ap.add_argument("--notebook", required=True, help="the notebook image's file set, runnable")
    ap.add_argument("--notebook-venv", required=True)
    ap.add_argument("--chp", required=True, help="configurable-http-proxy")
    ap.add_argument("--moto", required=True, help="moto_server")
    ap.add_argument("--port", type=int, default=8100)
    ap.add_argument("--users", default=None)
    ap.add_argument("--cache-ttl", default="60")
    ap.add_argument("--max-failures", default="5")
    ap.add_argument("--lockout-window", default="300")
    args = ap.parse_args(argv)

    state = Path(args.state).resolve()
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    hub_bin = Path(args.hub_venv).resolve() / "bin"
    if args.users:
        users = json.loads(Path(args.users).read_text())
    else:
        users = default_users()
        listing = state / "users.json"
        listing.write_text(json.dumps(users, indent=2))
        listing.chmod(0o600)

    aws = {
        "AWS_ACCESS_KEY_ID": "local-moto",
        "AWS_SECRET_ACCESS_KEY": secrets.token_hex(16),
        "AWS_DEFAULT_REGION": REGION,
    }
    env = {**os.environ, **aws}
    children: list[subprocess.Popen] = []

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in reversed(children):
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        stop_marked(str(state))
        # JupyterHub starts the proxy in a session of its own (so that it outlives hub restarts).
        try:
            os.kill(int((state / "proxy.pid").read_text().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        moto_port = free_port()
        moto_log = (state / "moto.log").open("w")
        moto = subprocess.Popen(
            [args.moto, "-H", "127.0.0.1", "-p", str(moto_port)], stdout=moto_log, stderr=moto_log
        )
        children.append(moto)
        endpoint = f"http://127.0.0.1:{moto_port}"
        wait_for(f"{endpoint}/moto-api/", "moto's server", moto, 60)
        # Where the admin CLI reaches this hub's secret (arcade-hub-users --endpoint-url).
        (state / "moto.json").write_text(json.dumps({"endpoint": endpoint, "secret": SECRET}))

        admin = [str(hub_bin / "arcade-hub-users"), "--secret-id", SECRET]
        admin += ["--endpoint-url", endpoint]
        subprocess.run([*admin, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        for name, user in users.items():
            flags = ["--admin"] if user.get("admin") else []
            subprocess.run(
                [*admin, "add", name, "--password-stdin", *flags],
                input=user["password"] + "\n",
                text=True,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

        hub_env = {
            **env,
            "PATH": f"{hub_bin}{os.pathsep}{env['PATH']}",
            "ARCADE_HUB_STATE": str(state),
            "ARCADE_HUB_PORT": str(args.port),
            "ARCADE_HUB_API_PORT": str(free_port()),
            "ARCADE_HUB_PROXY_API_PORT": str(free_port()),
            "ARCADE_HUB_CHP": str(Path(args.chp).resolve()),
            "ARCADE_HUB_USERS_SECRET": SECRET,
            "ARCADE_HUB_SECRETS_ENDPOINT": endpoint,
            "ARCADE_HUB_CACHE_TTL": args.cache_ttl,
            "ARCADE_HUB_MAX_FAILURES": args.max_failures,
            "ARCADE_HUB_LOCKOUT_WINDOW": args.lockout_window,
            "ARCADE_HUB_NOTEBOOK": str(Path(args.notebook).resolve()),
            "ARCADE_HUB_NOTEBOOK_VENV": str(Path(args.notebook_venv).resolve()),
            "ARCADE_HUB_SAMPLE": str(SAMPLE),
        }
        hub_log = (state / "jupyterhub.log").open("w")
        hub = subprocess.Popen(
            [str(hub_bin / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
            cwd=state,
            env=hub_env,
            stdout=hub_log,
            stderr=subprocess.STDOUT,
        )
        children.append(hub)
        url = f"http://127.0.0.1:{args.port}"
        wait_for(f"{url}/hub/health", "JupyterHub", hub, 120)
        print(f"JupyterHub with Arcade: {url}/", flush=True)
        if not args.users:
            for name, user in users.items():
                role = " (admin)" if user["admin"] else ""
                print(f"  {name}{role}: {user['password']}", flush=True)
            print(f"  (also in {state / 'users.json'})", flush=True)
        print(f"  log: {state / 'jupyterhub.log'}", flush=True)
        return hub.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
