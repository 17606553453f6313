"""jupyter-server-proxy entry point that runs the kernel-bridge.

The bridge is started on first request under ``<base_url>arcade/`` and
listens on a unix socket in a private temporary directory, so only the user
running Jupyter can reach it, and only through Jupyter's authentication.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a wheel the bundle sits in the package; in an editable install of a
# source checkout it is still where the bridge build wrote it.
_BUNDLE_CANDIDATES = (
    _PACKAGE_DIR / "bridge" / "arcade.cjs",
    _PACKAGE_DIR.parent / "kernel-bridge" / "dist" / "arcade.cjs",
)


def bridge_bundle() -> Path:
    """Return the path of the bridge bundle ``arcade.cjs``."""
    for candidate in _BUNDLE_CANDIDATES:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in _BUNDLE_CANDIDATES)
    raise FileNotFoundError(
        f"arcade: kernel-bridge bundle not found (looked in {searched}) — "
        "reinstall jupyterlab_arcade or run `npm run build` in kernel-bridge/"
    )


def node_executable() -> str:
    """Return the Node.js executable: $ARCADE_NODE, else `node` on PATH."""
    configured = os.environ.get("ARCADE_NODE")
    if configured:
        return configured
    found = shutil.which("node")
    if found is None:
        raise FileNotFoundError(
            "arcade: Node.js not found on PATH — install Node.js 20 or set ARCADE_NODE"
        )
    return found


def workspace_dir() -> str:
    """The folder JupyterLab shows: the running server's root_dir, else the current directory."""
    from jupyter_server.serverapp import ServerApp

    if ServerApp.initialized():
        return str(Path(ServerApp.instance().root_dir).resolve())
    return os.getcwd()


def setup_arcade() -> dict[str, Any]:
    """Server-process settings for jupyter-server-proxy."""
    return {
        "command": [
            node_executable(),
            str(bridge_bundle()),
            "serve",
            "--socket",
            "{unix_socket}",
        ],
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
