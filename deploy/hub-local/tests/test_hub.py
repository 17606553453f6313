"""`make hub` for real: JupyterHub 5.5.0 with configurable-http-proxy, Arcade's authenticator
reading its users from moto's Secrets Manager server (the one stand-in), single-user JupyterLab
servers with Arcade started from the notebook image's file set. Over HTTP, as a browser does: wrong
passwords, sign-in and spawn, Arcade's bridge behind the hub, one user kept out of another's server,
rotation within the cache's TTL, lockout engaging, shown to admins, lifted by an admin and by the
window. (The Chromium walk-through is ui-tests/hub/hub.spec.ts.)
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / ".cache"
TTL = 3
MAX_FAILURES = 3
WINDOW = 12
USERS = {
    "ada": {"password": "ada-keeps-the-keys", "admin": True},
    "grace": {"password": "grace-writes-sql", "admin": False},
    "linus": {"password": "linus-rotates-often", "admin": False},
}
REFUSED = "Invalid username or password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, url: str, state: Path):
        self.url = url
        self.state = state

    def sign_in(self, name: str, password: str) -> tuple[requests.Session, requests.Response]:
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30)
        response = session.post(
            f"{self.url}/hub/login",
            data={"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf")},
            allow_redirects=False,
            timeout=60,
        )
        return session, response

    def admin_cli(self, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
        endpoint = json.loads((self.state / "moto.json").read_text())["endpoint"]
        return subprocess.run(
            [CACHE / "hub" / "venv" / "bin" / "arcade-hub-users", "--endpoint-url", endpoint, *args]
            + (["--password-stdin"] if password is not None else []),
            input=(password + "\n") if password is not None else None,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "AWS_ACCESS_KEY_ID": "local-moto",
                "AWS_SECRET_ACCESS_KEY": "local-moto",
                "AWS_DEFAULT_REGION": "us-east-1",
            },
        )


def refused(response: requests.Response) -> bool:
    return response.status_code == 403 and REFUSED in response.text


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    for needed in ("hub/venv/bin/jupyterhub", "hub/notebook/arcade/argo/bin/argo-validate"):
        if not (CACHE / needed).exists():
            pytest.fail(f".cache/{needed} is missing: run `make hub-files`", pytrace=False)
    state = tmp_path_factory.mktemp("hub")
    users = state / "users.json"
    users.write_text(json.dumps(USERS))
    port = free_port()
    log = (state / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, ROOT / "deploy" / "hub-local" / "run.py", "--state", state / "hub"]
        + ["--port", str(port), "--users", users, "--cache-ttl", str(TTL)]
        + ["--max-failures", str(MAX_FAILURES), "--lockout-window", str(WINDOW)]
        + ["--hub-venv", CACHE / "hub" / "venv", "--notebook", CACHE / "hub" / "notebook"]
        + ["--notebook-venv", CACHE / "images" / "notebook-venv"]
        + ["--chp", ROOT / "deploy/hub-local/node_modules/.bin/configurable-http-proxy"]
        + ["--moto", Path(sys.executable).with_name("moto_server")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        assert process.poll() is None, (state / "run.log").read_text()
        try:
            if requests.get(f"{url}/hub/health", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the hub did not start within 180 s"
        time.sleep(0.5)
    yield Hub(url, state / "hub")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_a_wrong_password_and_an_unknown_user_get_the_same_refusal(hub):
    for name, password in (("ada", "not-her-password"), ("nobody-here", "whatever-it-is")):
        session, response = hub.sign_in(name, password)
        assert refused(response), response.status_code
        assert (
            "jupyterhub-session-id" not in session.cookies
            or not session.get(f"{hub.url}/hub/api/user", timeout=10).ok
        )


def test_signing_in_starts_jupyterlab_with_arcade_under_the_users_url(hub):
    session, response = hub.sign_in("ada", USERS["ada"]["password"])
    assert response.status_code == 302, response.text[:500]
    session.get(f"{hub.url}/hub/spawn", timeout=120)
    deadline = time.monotonic() + 180
    while True:
        health = session.get(f"{hub.url}/user/ada/arcade/api/health", timeout=60)
        if health.status_code == 200:
            break
        assert time.monotonic() < deadline, f"no bridge: {health.status_code} {health.text[:300]}"
        time.sleep(2)
    body = health.json()
    assert body["status"] == "ok"
    assert body["arcKernel"] == {"installed": True, "name": "arc", "displayName": "Arc"}
    lab = session.get(f"{hub.url}/user/ada/lab", timeout=60)
    assert lab.status_code == 200 and "jupyterlab-arcade" in lab.text
    contents = session.get(f"{hub.url}/user/ada/api/contents/quickstart.ipynb", timeout=30)
    assert contents.status_code == 200
    pytest.ada = session  # the admin's session, for the lockout tests


def test_one_user_cannot_reach_another_users_server_or_bridge(hub):
    session, response = hub.sign_in("grace", USERS["grace"]["password"])
    assert response.status_code == 302
    for path in ("/user/ada/arcade/api/health", "/user/ada/api/contents", "/user/ada/lab"):
        answer = session.get(f"{hub.url}{path}", timeout=60)
        assert answer.status_code == 403, (path, answer.status_code)
        assert '"arcKernel"' not in answer.text
    anonymous = requests.get(f"{hub.url}/user/ada/arcade/api/health", timeout=30)
    assert anonymous.url.startswith(f"{hub.url}/hub/login"), anonymous.url
    assert '"arcKernel"' not in anonymous.text
    # Only admins see the lockouts.
    assert session.get(f"{hub.url}/hub/arcade/lockouts", timeout=30).status_code == 403


def test_a_reset_password_takes_effect_within_the_cache_ttl(hub):
    _, before = hub.sign_in("linus", USERS["linus"]["password"])
    assert before.status_code == 302
    reset = hub.admin_cli("reset", "linus", password="linus-rotated-it-today")
    assert reset.returncode == 0, reset.stderr
    time.sleep(TTL + 1)
    assert refused(hub.sign_in("linus", USERS["linus"]["password"])[1])
    assert hub.sign_in("linus", "linus-rotated-it-today")[1].status_code == 302


def test_the_lockout_engages_shows_to_admins_and_lifts(hub):
    admin: requests.Session = pytest.ada

    def lock_grace() -> None:
        for _ in range(MAX_FAILURES):
            assert refused(hub.sign_in("grace", "guessing-again-wrong")[1])
        # Now even her right password is refused, with the same words.
        assert refused(hub.sign_in("grace", USERS["grace"]["password"])[1])

    lock_grace()
    listed = admin.get(f"{hub.url}/hub/arcade/lockouts", timeout=30)
    assert listed.status_code == 200
    keys = {k["key"]: k for k in listed.json()["keys"]}
    assert keys["user:grace"]["lockedForSeconds"] > 0
    assert keys["address:127.0.0.1"]["lockedForSeconds"] > 0
    # An admin lifts both (XSRF-checked like every state-changing request of the hub).
    # The hub's token (the user's server has one of its own, under /user/ada/).
    token = [c.value for c in admin.cookies if c.name == "_xsrf" and c.path.startswith("/hub")]
    xsrf = {"X-XSRFToken": token[0]}
    for key in ("user:grace", "address:127.0.0.1"):
        unchecked = admin.delete(f"{hub.url}/hub/arcade/lockouts", params={"key": key})
        assert unchecked.status_code == 403, "no XSRF token, nothing lifted"
        lifted = admin.delete(
            f"{hub.url}/hub/arcade/lockouts", params={"key": key}, headers=xsrf, timeout=30
        )
        assert lifted.status_code in (200, 204), lifted.text
    assert hub.sign_in("grace", USERS["grace"]["password"])[1].status_code == 302

    # And by itself once the window has passed.
    lock_grace()
    time.sleep(WINDOW + 1)
    assert hub.sign_in("grace", USERS["grace"]["password"])[1].status_code == 302
    log = (hub.state / "jupyterhub.log").read_text()
    for user in USERS.values():
        assert user["password"] not in log
    assert not re.search(r"\$argon2id\$", log), "no hash in the hub's log"
