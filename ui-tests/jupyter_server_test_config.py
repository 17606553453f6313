"""Jupyter server settings for the Galata UI tests.

Never use this configuration in production: it turns off authentication and
exposes the JupyterLab application object in the browser.
"""

import json
import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by Jupyter

c.ServerApp.port = int(os.environ.get("ARCADE_UI_TEST_PORT", "8888"))  # noqa: F821
# CI and dev containers run as root.
c.ServerApp.allow_root = True  # noqa: F821
# As in `make demo`: the sample notebooks read their SQL files from ${ETL_CONF_SQL}; the bridge
# (started by jupyter-server-proxy with this process's environment) reads them for the linter.
os.environ.setdefault(
    "ETL_CONF_SQL",
    "file://" + os.path.join(c.ServerApp.root_dir, "sql"),  # noqa: F821
)
# Every query of the local Athena endpoint takes at least this long, so the UI tests can see a
# preview running and cancel it.
os.environ.setdefault("ARCADE_ATHENA_LATENCY_MS", "1500")


def _start_stack() -> None:
    """A local stack (real MinIO and git http-backend) for the Git and publish tests.

    The bridge that jupyter-server-proxy starts inherits this process's environment,
    so it talks to this stack as it does in `make demo`. Stopped when the server exits.
    """
    import atexit
    import shlex
    import socket
    import subprocess
    import tempfile
    from pathlib import Path

    arcade = Path(__file__).resolve().parent.parent / "kernel-bridge" / "bin" / "arcade"
    state = tempfile.mkdtemp(prefix="arcade-ui-stack-")

    def free_port() -> int:
        while True:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            with socket.socket() as s:  # MinIO's console takes the next port
                try:
                    s.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port

    s3_port = free_port()
    git_port = free_port()
    while git_port in (s3_port, s3_port + 1):
        git_port = free_port()
    argo_port = free_port()
    while argo_port in (s3_port, s3_port + 1, git_port):
        argo_port = free_port()
    athena_port = free_port()
    while athena_port in (s3_port, s3_port + 1, git_port, argo_port):
        athena_port = free_port()
    up = [str(arcade), "dev", "up", "--state", state]
    up += ["--s3-port", str(s3_port), "--git-port", str(git_port), "--argo-port", str(argo_port)]
    up += ["--athena-port", str(athena_port)]
    subprocess.run(up, check=True)
    atexit.register(subprocess.run, [str(arcade), "dev", "down", "--state", state], check=False)
    # Playwright may end the server without letting atexit run: a watchdog stops the stack
    # once this process is gone.
    watchdog = (
        f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
        f"{shlex.quote(str(arcade))} dev down --state {shlex.quote(state)} >/dev/null 2>&1"
    )
    subprocess.Popen(["sh", "-c", watchdog], start_new_session=True)  # noqa: S603
    printed = subprocess.run(
        [str(arcade), "dev", "env", "--state", state],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in printed.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            os.environ[name] = shlex.split(value)[0] if value else ""
    os.environ["ARCADE_UI_STACK_STATE"] = state
    # Where the tests find the stack and the served folder (they run in another process).
    info = {"state": state, "root": str(c.ServerApp.root_dir)}  # noqa: F821
    Path(stack_info_file()).write_text(json.dumps(info))


def stack_info_file() -> str:
    import tempfile

    port = os.environ.get("ARCADE_UI_TEST_PORT", "8888")
    return os.path.join(tempfile.gettempdir(), f"arcade-ui-stack-{port}.json")


if os.environ.get("ARCADE_UI_STACK", "1") == "1" and "ARCADE_UI_STACK_STATE" not in os.environ:
    _start_stack()
