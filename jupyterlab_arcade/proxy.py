"""jupyter-server-proxy entry point that runs the kernel-bridge.

The bridge is started on first request under ``<base_url>arcade/`` and
listens on a unix socket in a private temporary directory, so only the user
running Jupyter can reach it, and only through Jupyter's authentication.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path

from .node_bridge import bridge_bundle, bridge_command, node_executable

__all__ = ["bridge_bundle", "node_executable", "setup_arcade", "workspace_dir"]


def workspace_dir() -> str:
    """The folder JupyterLab shows: the running server's root_dir, else the current directory."""
    from jupyter_server.serverapp import ServerApp

    if ServerApp.initialized():
        return str(Path(ServerApp.instance().root_dir).resolve())
    return os.getcwd()


def setup_arcade() -> dict[str, Any]:
    """Server-process settings for jupyter-server-proxy."""
    return {
        "command": bridge_command(["serve", "--socket", "{unix_socket}"]),
        # The bridge cannot see Python's sys.prefix, so it is told where Jupyter looks for kernels.
        # The bridge works on the folder JupyterLab shows, which need not be the server's cwd.
        "environment": {
            "ARCADE_KERNELSPEC_DIRS": os.pathsep.join(jupyter_path("kernels")),
            "ARCADE_WORKSPACE": workspace_dir(),
        },
        "unix_socket": True,
        "timeout": 30,
        "absolute_url": False,
        "new_browser_tab": False,
        "launcher_entry": {"enabled": False},
    }
