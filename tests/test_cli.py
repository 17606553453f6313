"""The `arcade` console script (jupyterlab_arcade.cli): Node.js running the kernel-bridge bundle.

With the package installed in the venv (`make install`), `arcade` from the venv's bin runs the
bundle the wheel ships. Without it, main() runs from this source tree with the bundle path
monkeypatched to a stand-in bundle, so the command line, argv and exit code are still checked.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BRIDGE_VERSION = json.loads((ROOT / "kernel-bridge" / "package.json").read_text())["version"]
ARCADE = Path(sys.executable).with_name("arcade")
TIMEOUT = 60

try:
    importlib.import_module("jupyterlab_arcade")
except ImportError:  # not installed: the source tree's package
    sys.path.insert(0, str(ROOT))
cli = importlib.import_module("jupyterlab_arcade.cli")
node_bridge = importlib.import_module("jupyterlab_arcade.node_bridge")

# A stand-in for arcade.cjs: prints its argv as JSON and exits with 3.
FAKE_BUNDLE = textwrap.dedent(
    """\
    process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");
    process.exit(3);
    """
)

# Runs main() in a fresh interpreter (it execs node) with the bundle path monkeypatched.
BOOTSTRAP = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import jupyterlab_arcade.node_bridge as node_bridge
    from jupyterlab_arcade.cli import main
    node_bridge._BUNDLE_CANDIDATES = (Path(sys.argv[2]),)
    sys.exit(main(sys.argv[3:]))
    """
)


def _installed() -> bool:
    """jupyterlab_arcade is installed in this venv with its `arcade` console script."""
    try:
        scripts = distribution("jupyterlab_arcade").entry_points.select(group="console_scripts")
    except PackageNotFoundError:
        return False
    main = "jupyterlab_arcade.cli:main"
    return ARCADE.is_file() and any(e.name == "arcade" and e.value == main for e in scripts)


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _with_fake_bundle(tmp_path: Path, *args: str) -> list[str]:
    bundle = tmp_path / "arcade.cjs"
    bundle.write_text(FAKE_BUNDLE)
    return [sys.executable, "-c", BOOTSTRAP, str(ROOT), str(bundle), *args]


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is not on PATH (the kernel-bridge needs 20.19+)", pytrace=False)
    return found


def test_arcade_version_and_help(tmp_path: Path, node: str) -> None:
    if not _installed():
        # the source tree's main() with a stand-in bundle: the arguments reach the bundle
        proc = _run(_with_fake_bundle(tmp_path, "--version"), {"ARCADE_NODE": node})
        assert (proc.returncode, proc.stdout, proc.stderr) == (3, '["--version"]\n', "")
        return
    proc = _run([str(ARCADE), "--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == BRIDGE_VERSION
    proc = _run([str(ARCADE), "--help"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: arcade"), proc.stdout
    assert "serve" in proc.stdout


def test_arguments_and_exit_code_pass_through(tmp_path: Path, node: str) -> None:
    args = ["run", "--state", str(tmp_path / "state with space"), "--", "ünïcode", ""]
    proc = _run(_with_fake_bundle(tmp_path, *args), {"ARCADE_NODE": node})
    assert proc.stderr == ""
    assert json.loads(proc.stdout) == args
    assert proc.returncode == 3


def test_unknown_command_is_the_bridge_error(node: str) -> None:
    if not _installed():
        pytest.skip("needs `make install` (the wheel's bundle); the stand-in cases cover main()")
    proc = _run([str(ARCADE), "no-such-command"])
    assert proc.returncode != 0
    assert 'see "arcade --help"' in proc.stderr


def test_missing_node_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "arcade.cjs"
    bundle.write_text(FAKE_BUNDLE)
    monkeypatch.setattr(node_bridge, "_BUNDLE_CANDIDATES", (bundle,))
    monkeypatch.delenv("ARCADE_NODE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    assert cli.main(["--version"]) == 127
    err = capsys.readouterr().err
    assert "Node.js not found on PATH" in err
    assert "install Node.js 20.19 or newer" in err
    assert "ARCADE_NODE" in err

    # ARCADE_NODE naming a missing file: the exec fails, with the same advice
    monkeypatch.setenv("ARCADE_NODE", str(tmp_path / "no-such-node"))
    assert cli.main(["--version"]) == 127
    err = capsys.readouterr().err
    assert f"cannot run Node.js ({tmp_path / 'no-such-node'})" in err
    assert "ARCADE_NODE" in err


def test_missing_node_through_the_console_script(tmp_path: Path) -> None:
    if not _installed():
        pytest.skip("needs `make install`; test_missing_node_is_a_clear_error covers main()")
    env = {k: v for k, v in os.environ.items() if k != "ARCADE_NODE"}
    env["PATH"] = str(tmp_path)
    proc = subprocess.run(
        [str(ARCADE), "--version"], capture_output=True, text=True, env=env, timeout=TIMEOUT
    )
    assert proc.returncode == 127
    assert "Node.js not found on PATH" in proc.stderr
    assert proc.stdout == ""


def test_missing_bundle_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(node_bridge, "_BUNDLE_CANDIDATES", (tmp_path / "arcade.cjs",))
    assert cli.main(["--help"]) == 127
    err = capsys.readouterr().err
    assert "kernel-bridge bundle not found" in err
    assert str(tmp_path / "arcade.cjs") in err
    assert "reinstall jupyterlab_arcade" in err


def test_proxy_runs_the_same_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("jupyter_server")
    proxy = importlib.import_module("jupyterlab_arcade.proxy")
    bundle = tmp_path / "arcade.cjs"
    bundle.write_text(FAKE_BUNDLE)
    monkeypatch.setattr(node_bridge, "_BUNDLE_CANDIDATES", (bundle,))
    monkeypatch.setenv("ARCADE_NODE", "/opt/node/bin/node")
    assert proxy.setup_arcade()["command"] == [
        "/opt/node/bin/node",
        str(bundle),
        "serve",
        "--socket",
        "{unix_socket}",
    ]
