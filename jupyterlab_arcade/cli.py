"""The ``arcade`` command: runs the kernel-bridge CLI (``arcade.cjs``) with Node.js.

Every argument is passed through to the bridge, and its exit code is the command's. Node.js is
$ARCADE_NODE, else ``node`` on PATH; the bundle is the one the wheel ships (see
:mod:`jupyterlab_arcade.node_bridge`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from .node_bridge import bridge_command

# Exit codes of a shell that cannot run a command.
EXIT_NOT_FOUND = 127
EXIT_NOT_EXECUTABLE = 126


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``node arcade.cjs ARGS...``; on POSIX the process becomes node (os.execvp)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        command = bridge_command(args)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return EXIT_NOT_FOUND
    try:
        if os.name == "posix":
            sys.stdout.flush()
            sys.stderr.flush()
            os.execvp(command[0], command)  # returns only by raising
        return subprocess.call(command)
    except OSError as err:
        print(
            f"arcade: cannot run Node.js ({command[0]}): {err.strerror or err} — install Node.js "
            "20.19 or newer, or set ARCADE_NODE to the path of its `node` executable",
            file=sys.stderr,
        )
        return EXIT_NOT_EXECUTABLE if isinstance(err, PermissionError) else EXIT_NOT_FOUND
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
