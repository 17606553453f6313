"""The installed package as JupyterLab and jupyter-server-proxy see it."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

JUPYTER = Path(sys.executable).with_name("jupyter")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_labextension_is_enabled_and_ok() -> None:
    result = subprocess.run(
        [str(JUPYTER), "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    listing = ANSI.sub("", result.stdout + result.stderr)
    assert re.search(
        r"jupyterlab-arcade v\S+ enabled\s+OK \(python, jupyterlab_arcade\)", listing
    ), listing


def test_proxy_entry_point_runs_the_shipped_bridge() -> None:
    (entry,) = [e for e in entry_points(group="jupyter_serverproxy_servers") if e.name == "arcade"]
    settings = entry.load()()
    assert settings["unix_socket"] is True
    assert settings["launcher_entry"] == {"enabled": False}
    node, bundle, *args = settings["command"]
    assert args == ["serve", "--socket", "{unix_socket}"]
    assert Path(bundle).is_file()
    version = subprocess.run(
        [node, bundle, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+(-\S+)?", version)
