"""The bridge behind a real Jupyter server, reached through jupyter-server-proxy.

Starts `jupyter server` from the environment running pytest (the project's
.venv, with jupyterlab_arcade installed), on a free port with a known token
and a non-root base URL, so the tests see what a browser would.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import requests
from jupyter_client.kernelspec import KernelSpecManager

JUPYTER = Path(sys.executable).with_name("jupyter")
BASE_URL_PATH = "/user/arcade-test/"
# The bridge starts on the first proxied request; jupyter-server-proxy waits
# up to the entry point's timeout (30 s) for it.
REQUEST_TIMEOUT = 60
FAKE_SECRET = "arcadeTestSecret/" + secrets.token_urlsafe(24)
FAKE_ACCESS_KEY = "AKIAARCADETEST" + secrets.token_hex(3).upper()


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT/user/arcade-test/
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    root_dir: Path

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def arcade(self, route: str) -> str:
        return f"{self.url}arcade/{route}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("arcade-server")
    workspace = root / "workspace"
    workspace.mkdir()
    port = _free_port()
    token = secrets.token_hex(24)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
    }
    log = root / "jupyter-server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(JUPYTER),
                "server",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.base_url={BASE_URL_PATH}",
                f"--ServerApp.root_dir={workspace}",
                f"--IdentityProvider.token={token}",
                # CI and dev containers run as root; the server refuses that by default.
                *(["--allow-root"] if os.getuid() == 0 else []),
            ],
            # Started elsewhere than its root_dir, as `make demo` does.
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    srv = Server(f"http://127.0.0.1:{port}{BASE_URL_PATH}", token, process, log, workspace)
    try:
        _wait_until_ready(srv)
        yield srv
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(srv: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if srv.process.poll() is not None:
            pytest.fail(
                f"jupyter server exited with {srv.process.returncode}:\n"
                + srv.log.read_text(errors="replace")
            )
        try:
            response = requests.get(f"{srv.url}api/status", headers=srv.headers(), timeout=5)
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail("jupyter server not ready in 60 s:\n" + srv.log.read_text())


def _bridge_processes(srv: Server) -> list[psutil.Process]:
    children = psutil.Process(srv.process.pid).children(recursive=True)
    return [p for p in children if "serve" in p.cmdline() and "--socket" in p.cmdline()]


def test_health_through_the_proxy(server: Server) -> None:
    response = requests.get(
        server.arcade("api/health"), headers=server.headers(), timeout=REQUEST_TIMEOUT
    )
    assert response.status_code == 200, response.text
    health = response.json()
    assert health["status"] == "ok"
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", health["version"])
    assert health["arcKernel"]["name"] == "arc"
    assert isinstance(health["backends"]["s3"]["configured"], bool)


def test_health_sees_the_kernels_jupyter_sees(server: Server) -> None:
    specs = KernelSpecManager().find_kernel_specs()
    health = requests.get(
        server.arcade("api/health"), headers=server.headers(), timeout=REQUEST_TIMEOUT
    ).json()
    assert health["arcKernel"]["installed"] is ("arc" in specs)
    if "arc" in specs:
        assert health["arcKernel"]["displayName"] == "Arc"


def test_health_refused_without_login(server: Server) -> None:
    response = requests.get(
        server.arcade("api/health"), allow_redirects=False, timeout=REQUEST_TIMEOUT
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    assert '"status"' not in response.text


def test_health_refused_with_wrong_token(server: Server) -> None:
    response = requests.get(
        server.arcade("api/health"),
        headers={"Authorization": "token not-the-token"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code in (302, 403)
    assert '"status"' not in response.text


def _post(server: Server, route: str, **kwargs: object) -> requests.Response:
    return requests.post(
        server.arcade(route),
        json={},
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _assert_xsrf_refused(response: requests.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "xsrf"


def test_post_without_xsrf_header_is_refused_by_the_bridge(server: Server) -> None:
    response = _post(
        server,
        "api/health",
        headers=server.headers(),
        cookies={"_xsrf": "cookie-value"},
    )
    _assert_xsrf_refused(response)


def test_post_with_wrong_xsrf_header_is_refused(server: Server) -> None:
    response = _post(
        server,
        "api/health",
        headers={**server.headers(), "X-XSRFToken": "not-the-cookie"},
        cookies={"_xsrf": "cookie-value"},
    )
    _assert_xsrf_refused(response)


def _origin(server: Server) -> str:
    return server.url.split(BASE_URL_PATH)[0]


def test_post_with_matching_xsrf_header_gets_past_the_check(server: Server) -> None:
    # What a browser sends with a fetch from the JupyterLab page.
    for same_origin in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": _origin(server)}):
        response = _post(
            server,
            "api/no-such-route",
            headers={**server.headers(), "X-XSRFToken": "same-value", **same_origin},
            cookies={"_xsrf": "same-value"},
        )
        assert response.status_code == 404, (same_origin, response.text)
        assert response.json()["error"]["code"] == "not_found"


def test_post_from_another_origin_is_refused_even_with_the_token(server: Server) -> None:
    for foreign in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {},
    ):
        response = _post(
            server,
            "api/no-such-route",
            headers={**server.headers(), "X-XSRFToken": "same-value", **foreign},
            cookies={"_xsrf": "same-value"},
        )
        _assert_xsrf_refused(response)


def test_text_plain_post_is_refused(server: Server) -> None:
    response = requests.post(
        server.arcade("api/stages/compile"),
        data=json.dumps({"notebook": {"cells": []}}),
        headers={
            **server.headers(),
            "Content-Type": "text/plain",
            "X-XSRFToken": "same-value",
            "Sec-Fetch-Site": "same-origin",
        },
        cookies={"_xsrf": "same-value"},
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
    )
    assert response.status_code == 415, response.text
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_bridge_socket_is_private(server: Server) -> None:
    requests.get(
        server.arcade("api/health"), headers=server.headers(), timeout=REQUEST_TIMEOUT
    ).raise_for_status()
    bridges = _bridge_processes(server)
    assert len(bridges) == 1, [p.cmdline() for p in bridges]
    cmdline = bridges[0].cmdline()
    socket_path = Path(cmdline[cmdline.index("--socket") + 1])

    info = socket_path.stat()
    assert stat.S_ISSOCK(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.getuid()
    assert stat.S_IMODE(socket_path.parent.stat().st_mode) == 0o700


def test_config_carries_no_secret(server: Server) -> None:
    response = requests.get(
        server.arcade("api/config"), headers=server.headers(), timeout=REQUEST_TIMEOUT
    )
    assert response.status_code == 200, response.text
    config = response.json()
    assert {"workspace", "s3", "git", "environments"} <= config.keys()
    assert config["workspace"] == str(server.root_dir.resolve())
    # The bridge does have the credentials in its environment ...
    bridge_env = _bridge_processes(server)[0].environ()
    assert bridge_env["AWS_SECRET_ACCESS_KEY"] == FAKE_SECRET
    # ... and must not echo any of them.
    for route in ("api/config", "api/health"):
        body = requests.get(
            server.arcade(route), headers=server.headers(), timeout=REQUEST_TIMEOUT
        ).text
        assert FAKE_SECRET not in body
        assert FAKE_ACCESS_KEY not in body
        assert "secret" not in json.dumps(json.loads(body)).lower()
