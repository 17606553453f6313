#!/usr/bin/env python3
"""Install the "Arc" Jupyter kernelspec into the project's venv (idempotent).

Writes <venv>/share/jupyter/kernels/arc/kernel.json. The kernel is Arcade's own JVM kernel
(runtime/arc-kernel) running the real Arc 3.7.0 library on Spark in local mode; it exists because
ai.tripl:arc-jupyter is not published on Maven Central.

Usage: python scripts/install_arc_kernel.py [--venv PATH] [--jars DIR] [--plugins DIR]
                                             [--kernel-jar FILE] [--java JAVA]
                                             [--kernels-dir DIR --relocatable]

With --kernels-dir the kernelspec goes to DIR/arc instead of the venv. With --relocatable the jar
paths are written relative to the kernelspec's own folder (Jupyter's `{resource_dir}`, which the
bridge fills in too), so the folder tree can be copied elsewhere, as the notebook image does
(`make image-files`); `java` is then looked up on PATH unless --java is given.

Arc pipeline-stage plugin jars in --plugins (default .cache/arc/plugins, e.g. Arcade's Delta Lake
stages from runtime/arc-delta-plugin) go on the classpath after the runtime jars; Arc finds them
with ServiceLoader.

The JVM heap comes from ARC_KERNEL_XMX (default 2g) at *install* time: Jupyter does not expand
environment variables in argv, so re-run this script with a different ARC_KERNEL_XMX to change it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "arc"
MAIN_CLASS = "dev.arcade.kernel.ArcKernelMain"

# Spark 3.3 on Java 17 needs these packages opened to the unnamed module.
ADD_OPENS = [
    "java.base/java.lang",
    "java.base/java.lang.invoke",
    "java.base/java.lang.reflect",
    "java.base/java.io",
    "java.base/java.net",
    "java.base/java.nio",
    "java.base/java.util",
    "java.base/java.util.concurrent",
    "java.base/java.util.concurrent.atomic",
    "java.base/sun.nio.ch",
    "java.base/sun.nio.cs",
    "java.base/sun.security.action",
    "java.base/sun.util.calendar",
]


def find_java(explicit: str | None) -> str:
    if explicit:
        return explicit
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        sys.exit(
            "install_arc_kernel: no `java` on PATH (Java 17 is required); "
            "set JAVA_HOME or pass --java"
        )
    return os.path.realpath(found)


def build_spec(
    java: str,
    jars_dir: Path,
    kernel_jar: Path,
    xmx: str,
    plugins_dir: Path | None = None,
    relative_to: Path | None = None,
) -> dict:
    def where(p: Path) -> str:
        if relative_to is None:
            return str(p)
        return "{resource_dir}/" + os.path.relpath(p, relative_to)

    classpath = [where(kernel_jar), f"{where(jars_dir)}/*"]
    if plugins_dir is not None:
        classpath.append(f"{where(plugins_dir)}/*")
    argv = [java, f"-Xmx{xmx}"]
    argv += [f"--add-opens={p}=ALL-UNNAMED" for p in ADD_OPENS]
    argv += [
        "-Dspark.master=local[2]",
        "-Djava.net.preferIPv4Stack=true",
        "-cp",
        # the kernel jar first: it carries the (relocated) Jupyter protocol library;
        # then the Arc runtime, then Arc plugins (found by ServiceLoader)
        os.pathsep.join(classpath),
        MAIN_CLASS,
        "--connection-file={connection_file}",
    ]
    return {
        "argv": argv,
        "display_name": "Arc",
        # what Arc notebooks declare in metadata.kernelspec.language
        "language": "javascript",
        "interrupt_mode": "message",
        "env": {},
        "metadata": {
            "arcade": {
                "kernel": "Arcade Arc kernel (Arc 3.7.0, Spark 3.3.4 local, Delta Lake 2.3.0)",
                "source": "runtime/arc-kernel",
                # Batch runs (`arcade run`, "Run as job") use the same Arc runtime as the kernel.
                "arcClasspath": os.pathsep.join(classpath[1:]),
            }
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", default=os.environ.get("ARCADE_VENV", str(ROOT / ".venv")))
    ap.add_argument("--jars", default=str(ROOT / ".cache" / "arc" / "jars"))
    ap.add_argument("--plugins", default=str(ROOT / ".cache" / "arc" / "plugins"))
    ap.add_argument(
        "--kernel-jar", default=str(ROOT / ".cache" / "arc" / "kernel" / "arcade-arc-kernel.jar")
    )
    ap.add_argument("--java", default=None)
    ap.add_argument("--kernels-dir", default=None, help="write DIR/arc/kernel.json, not the venv's")
    ap.add_argument(
        "--relocatable", action="store_true", help="jar paths relative to the kernelspec folder"
    )
    args = ap.parse_args()

    venv = Path(args.venv).resolve()
    jars_dir = Path(args.jars).resolve()
    kernel_jar = Path(args.kernel_jar).resolve()
    plugins_dir = Path(args.plugins).resolve()
    xmx = os.environ.get("ARC_KERNEL_XMX", "2g").strip() or "2g"

    if args.kernels_dir is None and not venv.is_dir():
        sys.exit(f"install_arc_kernel: venv {venv} does not exist (run `make venv`)")
    if not any(jars_dir.glob("arc_2.12-*.jar")):
        sys.exit(f"install_arc_kernel: no Arc jars in {jars_dir} (run `make arc-jars`)")
    if not kernel_jar.is_file():
        sys.exit(f"install_arc_kernel: {kernel_jar} is missing (build it: `make kernel`)")

    if not any(plugins_dir.glob("*.jar")):
        print(
            f"install_arc_kernel: note: no plugin jars in {plugins_dir} yet (DeltaLake* stages "
            "need runtime/arc-delta-plugin built); they are picked up when the kernel starts",
            file=sys.stderr,
        )
    if args.kernels_dir is not None:
        kernel_dir = Path(args.kernels_dir).resolve() / KERNEL_NAME
    else:
        kernel_dir = venv / "share" / "jupyter" / "kernels" / KERNEL_NAME
    if args.relocatable:
        java = args.java or "java"
        spec = build_spec(java, jars_dir, kernel_jar, xmx, plugins_dir, relative_to=kernel_dir)
    else:
        spec = build_spec(find_java(args.java), jars_dir, kernel_jar, xmx, plugins_dir)
    kernel_dir.mkdir(parents=True, exist_ok=True)
    target = kernel_dir / "kernel.json"
    text = json.dumps(spec, indent=2) + "\n"
    if target.exists() and target.read_text() == text:
        print(f"Arc kernelspec up to date: {target}")
    else:
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(text)
        tmp.replace(target)
        print(f"Installed Arc kernelspec: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
