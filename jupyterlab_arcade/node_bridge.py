"""Where the kernel-bridge bundle and Node.js are, and the command line that runs the bridge.

Shared by the jupyter-server-proxy entry point (:mod:`jupyterlab_arcade.proxy`) and the
``arcade`` console script (:mod:`jupyterlab_arcade.cli`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

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
        "reinstall jupyterlab_arcade (pip install --force-reinstall jupyterlab_arcade), "
        "or in a source checkout build it with `make bridge`"
    )


def node_executable() -> str:
    """Return the Node.js executable: $ARCADE_NODE, else `node` on PATH."""
    configured = os.environ.get("ARCADE_NODE")
    if configured:
        return configured
    found = shutil.which("node")
    if found is None:
        raise FileNotFoundError(
            "arcade: Node.js not found on PATH — install Node.js 20.19 or newer, "
            "or set ARCADE_NODE to the path of its `node` executable"
        )
    return found


def bridge_command(args: Sequence[str]) -> list[str]:
    """The command line that runs the bridge bundle with ``args``: ``[node, arcade.cjs, *args]``.

    Raises FileNotFoundError, with what to do next, when the bundle or Node.js is missing.
    """
    bundle = bridge_bundle()
    return [node_executable(), str(bundle), *args]
