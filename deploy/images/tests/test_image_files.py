"""The images' file sets (`make image-files`): checked against their Dockerfiles, run outside one.

Containers cannot be built on the project's machines, so these tests check what can be known without
one: each Dockerfile copies exactly the file set assembled for it (no more, no less); the bases are
pinned, the user is not root, nothing secret is passed in; the notebook image's entry point, run
from its file set with the packages its Dockerfile installs, serves JupyterLab with Arcade's bridge
and runs a `%sql` cell in the Arc kernel the file set carries; the runner's spark-submit, given the
arguments of the WorkflowTemplate the schedules use (rendered by `arcade schedule template`, with a
local master for the Kubernetes one), runs an Arc job that writes a Delta table.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parents[3]
IMAGES_SRC = ROOT / "deploy" / "images"
FILES = ROOT / ".cache" / "images"
NOTEBOOK_VENV = FILES / "notebook-venv"
ARCADE = ROOT / "kernel-bridge" / "bin" / "arcade"
IMAGES = ("notebook", "runner", "hub")


def _need_file_sets() -> None:
    for image in IMAGES:
        if not (FILES / image).is_dir():
            pytest.fail(f"{FILES / image} is missing: run `make image-files`", pytrace=False)
    if not (NOTEBOOK_VENV / "bin" / "jupyter").is_file():
        pytest.fail(f"{NOTEBOOK_VENV} is missing: run `make image-files`", pytrace=False)


def dockerfile(image: str) -> str:
    # Continuation lines joined, comments dropped: one instruction per line.
    text = (IMAGES_SRC / image / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return re.sub(r"\\\n", " ", "\n".join(lines))


def context_sources(image: str) -> dict[str, str]:
    """What the Dockerfile takes from its build context: source → destination ('' for a mount)."""
    sources: dict[str, str] = {}
    for line in dockerfile(image).splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].upper() in ("COPY", "ADD") and not any(w.startswith("--from=") for w in words):
            args = [w for w in words[1:] if not w.startswith("--")]
            for source in args[:-1]:
                sources[source.rstrip("/")] = args[-1]
        for mount in re.findall(r"--mount=(\S+)", line):
            options = dict(part.split("=", 1) for part in mount.split(",") if "=" in part)
            if options.get("type") == "bind":
                sources[options["source"].rstrip("/")] = ""
    return sources


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def linked_copy(source: Path, target: Path) -> None:
    """A copy of a file set that costs nothing: every file hard-linked (same file system)."""
    shutil.copytree(source, target, copy_function=os.link, symlinks=True)


@pytest.fixture(scope="module")
def scratch():
    _need_file_sets()
    # Under .cache so that hard links work (the file sets live there too).
    path = FILES / f"test-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- the Dockerfiles


@pytest.mark.parametrize("image", IMAGES)
def test_dockerfile_copies_exactly_its_file_set(image):
    _need_file_sets()
    copied = {source.split("/")[0] for source in context_sources(image)}
    present = {entry.name for entry in (FILES / image).iterdir()}
    assert copied == present, f"{image}: copied {sorted(copied)}, file set has {sorted(present)}"
    for source in context_sources(image):
        assert (FILES / image / source).exists(), f"{image}: the Dockerfile copies {source}"


@pytest.mark.parametrize("image", IMAGES)
def test_dockerfile_pins_bases_runs_as_a_user_and_takes_no_secrets(image):
    text = dockerfile(image)
    bases = re.findall(r"^ARG \w+_IMAGE=(\S+)$", text, flags=re.M)
    assert bases, "bases are build arguments with pinned defaults"
    for base in bases:
        name, _, tag = base.partition(":")
        assert re.match(r"\d+\.\d+\.\d+", tag), f"{base}: pin an exact release"
    for line in re.findall(r"^FROM .*$", text, flags=re.M):
        assert "latest" not in line
    users = re.findall(r"^USER (\S+)$", text, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root"), "the last USER is not root"
    assert not re.search(r"(?i)^(ARG|ENV) \S*(SECRET|TOKEN|PASSWORD|ACCESS_KEY)", text, flags=re.M)
    stages = re.findall(r"^FROM .* AS \S+$", text, flags=re.M)
    for stage in stages:
        if "AS node" not in stage and "AS java" not in stage:  # copied from, never run
            assert "--platform=$BUILDPLATFORM" in stage, f"{stage}: build stages cross-build"


def test_runner_adds_only_missing_kubernetes_jars(tmp_path):
    script = IMAGES_SRC / "runner" / "kubernetes-jars.sh"
    m2 = tmp_path / "m2"
    m2.mkdir()

    def listing(name: str, coordinates: list[str]) -> Path:
        lines = ["", "The following files have been resolved:"]
        for c in coordinates:
            jar = m2 / (c.replace(":", "_") + ".jar")
            jar.write_bytes(b"jar")
            lines.append(f"   {c}:{jar} -- module x (auto)")
        (tmp_path / name).write_text("\n".join(lines) + "\n")
        return tmp_path / name

    have = listing(
        "have.txt",
        [
            "org.apache.spark:spark-core_2.12:jar:3.3.4:compile",
            "com.google.guava:guava:jar:14.0.1:compile",
            "io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.74.Final:runtime",
        ],
    )
    same = [
        "org.apache.spark:spark-core_2.12:jar:3.3.4:compile",
        "io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.74.Final:runtime",
    ]
    new = [
        "io.fabric8:kubernetes-client:jar:5.12.2:compile",
        "io.netty:netty-transport-native-epoll:jar:linux-aarch_64:4.1.74.Final:runtime",
    ]
    out = tmp_path / "out"
    done = subprocess.run(
        [script, have, listing("ok.txt", same + new), out], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        c.replace(":", "_") + ".jar" for c in new
    )
    # Another version of a library the file set has stops the build, naming both.
    clash = listing("clash.txt", [*same, "com.google.guava:guava:jar:31.1-jre:compile"])
    done = subprocess.run([script, have, clash, tmp_path / "out2"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "com.google.guava:guava: 31.1-jre would sit beside version 14.0.1" in done.stderr


# ---------------------------------------------------------------- the notebook image


def _image_environment(home: Path, extra_path: list[str]) -> dict[str, str]:
    """A clean environment, like a container's: nothing of the project's own set-up leaks in."""
    java = shutil.which("java")
    node = shutil.which("node")
    assert java and node, "Java 17 and Node.js 20 are needed on PATH"
    dirs = [*extra_path, os.path.dirname(os.path.realpath(java)), os.path.dirname(node)]
    return {
        "HOME": str(home),
        "PATH": os.pathsep.join([*dirs, "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
    }


def _execute(base: str, token: str, kernel_id: str, code: str, timeout: float) -> tuple[dict, list]:
    ws = websocket.create_connection(
        f"ws://{base}/api/kernels/{kernel_id}/channels?token={token}", timeout=timeout
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": "test",
                        "session": uuid.uuid4().hex,
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {"code": code, "silent": False, "store_history": False},
                    "channel": "shell",
                }
            )
        )
        outputs: list = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] in ("execute_result", "display_data", "stream", "error"):
                outputs.append(msg["content"])
            if msg["msg_type"] == "execute_reply":
                return msg["content"], outputs
        raise AssertionError(f"no reply to the cell within {timeout} s")
    finally:
        ws.close()


def test_notebook_entrypoint_serves_arcade_and_runs_sql_in_the_arc_kernel(scratch):
    image = scratch / "notebook"
    linked_copy(FILES / "notebook", image)
    # What the Dockerfile's Go stage does: build Argo's validator from the file set's source.
    argo_bin = image / "arcade" / "argo" / "bin"
    argo_bin.mkdir(parents=True)
    subprocess.run(
        ["go", "build", "-mod=readonly", "-trimpath", "-o", argo_bin / "argo-validate", "."],
        cwd=image / "src" / "argo-validate",
        check=True,
        timeout=600,
    )
    home = scratch / "home"
    (home / "work").mkdir(parents=True)
    env = _image_environment(home, [str(NOTEBOOK_VENV / "bin")])
    entrypoint = image / "arcade" / "bin" / "arcade-entrypoint"

    # The entry point refuses an incomplete image and says what is missing.
    broken = subprocess.run(
        [entrypoint, "true"],
        env={**env, "ARCADE_ARGO_DIR": str(scratch / "nowhere")},
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 3
    assert "nowhere/bin/argo-validate" in broken.stderr

    port = free_port()
    token = uuid.uuid4().hex
    args = [entrypoint, "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    args += ["--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    args += [f"--ServerApp.root_dir={home / 'work'}"]
    if os.getuid() == 0:
        args.append("--allow-root")
    log = (scratch / "jupyter.log").open("w")
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"127.0.0.1:{port}"
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (scratch / "jupyter.log").read_text()[-3000:]
            try:
                if session.get(f"http://{base}/api/status", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not start within 90 s"
            time.sleep(0.5)

        specs = session.get(f"http://{base}/api/kernelspecs", timeout=10).json()["kernelspecs"]
        assert "arc" in specs
        assert any("{resource_dir}/../../arc/jars/*" in a for a in specs["arc"]["spec"]["argv"])

        # Arcade's bridge, started by jupyter-server-proxy from the wheel, finds the Arc kernel.
        health = session.get(f"http://{base}/arcade/api/health", timeout=60)
        assert health.status_code == 200, health.text
        assert health.json()["arcKernel"] == {
            "installed": True,
            "name": "arc",
            "displayName": "Arc",
        }
        assert session.get(f"http://{base}/lab", timeout=10).status_code == 200

        kernel = session.post(f"http://{base}/api/kernels", json={"name": "arc"}, timeout=30)
        assert kernel.status_code == 201, kernel.text
        reply, outputs = _execute(
            base, token, kernel.json()["id"], "%sql outputView=probe\nSELECT 40 + 2 AS answer", 300
        )
        assert reply["status"] == "ok", outputs
        html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
        assert "answer" in html and "42" in html, outputs
        # Shut the kernel down through the server (stopping the server alone may leave its JVM).
        stopped = session.delete(f"http://{base}/api/kernels/{kernel.json()['id']}", timeout=120)
        assert stopped.status_code == 204
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    # The validator the image carries accepts the WorkflowTemplate the schedules use.
    template = scratch / "template.json"
    template.write_text(
        subprocess.run(
            [ARCADE, "schedule", "template", "--image", "runner:test"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    checked = subprocess.run([argo_bin / "argo-validate", template], capture_output=True, text=True)
    assert checked.returncode == 0 and json.loads(checked.stdout) == [], checked.stdout


# ---------------------------------------------------------------- the runner image


def _image_paths(image: str, root: Path) -> list[tuple[str, str]]:
    """Where the Dockerfile puts each directory of the file set: (path in the image, path here)."""
    return [
        (target.rstrip("/"), str(root / source))
        for source, target in context_sources(image).items()
        if target.startswith("/opt/")
    ]


def _job_arguments(template: dict, parameters: dict[str, str], paths: list[tuple[str, str]]):
    step = template["spec"]["templates"][0]
    defaults = {p["name"]: p.get("value") for p in step["inputs"]["parameters"]}
    values = {**defaults, **parameters}
    # What the downward API gives the step's env; a $(NAME) it does not declare stays literal.
    fields = {"status.podIP": "127.0.0.1", "metadata.name": "arc-job-step-pod"}
    pod_env = {
        e["name"]: fields[e["valueFrom"]["fieldRef"]["fieldPath"]] for e in step["container"]["env"]
    }

    def fill(text: str) -> str:
        text = re.sub(r"\{\{inputs\.parameters\.(\w+)\}\}", lambda m: values[m.group(1)], text)
        text = text.replace("{{workflow.serviceAccountName}}", "arcade-workflow")
        text = text.replace("{{workflow.namespace}}", "argo")
        # Kubernetes fills $(NAME) from the container's env before the command runs.
        for name, value in pod_env.items():
            text = text.replace(f"$({name})", value)
        for inside, here in paths:
            text = text.replace(f"//{inside}/", f"//{here}/")
            if text.startswith(f"{inside}/"):
                text = here + text[len(inside) :]
        return text

    command = [fill(part) for part in step["container"]["command"] + step["container"]["args"]]
    assert not [part for part in command if "{{" in part], "every Argo variable filled"
    assert not [part for part in command if "$(" in part], "every $(NAME) is in the step's env"
    assert "--master" in command
    master = command.index("--master") + 1
    assert command[master].startswith("k8s://")
    command[master] = "local[2]"  # the one change: no Kubernetes here
    return command


def _notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": c.splitlines(keepends=True),
                    "outputs": [],
                    "execution_count": None,
                }
                for c in cells
            ],
            "metadata": {
                "kernelspec": {"name": "arc", "display_name": "Arc", "language": "javascript"}
            },
            "nbformat": 4,
            "nbformat_minor": 4,
        }
    )


def test_runner_spark_submit_runs_the_templates_arc_job(scratch):
    runner = FILES / "runner"
    template = json.loads(
        subprocess.run(
            [ARCADE, "schedule", "template", "--image", "runner:test"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    job_dir = scratch / "job"
    job_dir.mkdir()
    table = job_dir / "lake" / "answers"
    (job_dir / "answers.ipynb").write_text(
        _notebook(
            [
                '{"type": "SQLTransform", "name": "answer", "environments": ["production"], '
                '"sql": "SELECT 42 AS answer, \'"${GREETING}"\' AS greeting", '
                '"outputView": "answer"}',
                '{"type": "DeltaLakeLoad", "name": "keep answer", "environments": ["production"], '
                f'"inputView": "answer", "outputURI": "file://{table}"}}',
            ]
        )
    )
    paths = _image_paths("runner", runner)
    parameters = {
        "configUri": f"file://{job_dir}/answers.ipynb",
        "environment": "production",
        "jobId": "image-test",
        "vars": json.dumps({"GREETING": "hello from the runner"}),
        "notebook": "answers.ipynb",
        "image": "runner:test",
        "driverMemory": "1g",
    }
    command = _job_arguments(template, parameters, paths)
    assert command[0] == str(runner / "spark" / "bin" / "spark-submit")
    # On the cluster Spark starts the executors in the run's own namespace.
    assert "spark.kubernetes.namespace=argo" in command
    env = {
        **_image_environment(job_dir, []),
        # The Dockerfile's ENV, with /opt/spark where the file set is.
        "SPARK_HOME": str(runner / "spark"),
        "SPARK_SCALA_VERSION": "2.12",
    }
    done = subprocess.run(
        command, cwd=job_dir, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:] + done.stdout[-2000:]
    log = (table / "_delta_log" / "00000000000000000000.json").read_text()
    adds = [json.loads(line)["add"] for line in log.splitlines() if '"add"' in line]
    stats = [json.loads(a["stats"]) for a in adds]
    assert sum(s["numRecords"] for s in stats) == 1
    assert any(s["maxValues"] == {"answer": 42, "greeting": "hello from the runner"} for s in stats)

    # A job parameter Arc cannot take is refused by the launcher before Spark starts.
    bad = _job_arguments(template, {**parameters, "vars": '{"etl.config.uri": "x"}'}, paths)
    refused = subprocess.run(bad, cwd=job_dir, env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2
    assert "job parameter name 'etl.config.uri' is not allowed" in refused.stderr


# ---------------------------------------------------------------- CI definitions


def test_ci_definitions_build_both_images_for_both_architectures_without_stored_keys():
    import yaml

    script = (IMAGES_SRC / "build.sh").read_text()
    assert "linux/arm64,linux/amd64" in script
    for image in IMAGES:
        assert f"{image}:" in script and (IMAGES_SRC / image / "Dockerfile").is_file()
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "images.yml").read_text())
    assert workflow["permissions"] == {"contents": "read", "id-token": "write"}
    steps = workflow["jobs"]["build"]["steps"]
    assert any("deploy/images/build.sh" in step.get("run", "") for step in steps)
    assert any(step.get("uses", "").startswith("docker/setup-buildx-action@") for step in steps)
    spec = yaml.safe_load((IMAGES_SRC / "buildspec.yml").read_text())
    commands = [c for phase in spec["phases"].values() for c in phase.get("commands", [])]
    assert any(c.startswith("deploy/images/build.sh ") for c in commands)
    for text in (json.dumps(workflow), json.dumps(spec)):
        assert "AWS_SECRET_ACCESS_KEY" not in text and "secrets." not in text


def test_runner_entrypoint_starts_executors_as_the_driver_describes_them(tmp_path):
    """Spark's driver starts executor pods with `executor` and SPARK_* variables (no cluster here:
    a stand-in `java` records the command the entry point would run)."""
    java_home = tmp_path / "jdk"
    (java_home / "bin").mkdir(parents=True)
    record = tmp_path / "command.txt"
    (java_home / "bin" / "java").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    (java_home / "bin" / "java").chmod(0o755)
    entrypoint = FILES / "runner" / "spark" / "entrypoint.sh"
    described = {
        "SPARK_DRIVER_URL": "spark://CoarseGrainedScheduler@10.0.0.5:7078",
        "SPARK_EXECUTOR_ID": "3",
        "SPARK_EXECUTOR_CORES": "2",
        "SPARK_EXECUTOR_MEMORY": "8g",
        "SPARK_APPLICATION_ID": "spark-application-1",
        "SPARK_EXECUTOR_POD_IP": "10.0.0.9",
        "SPARK_EXECUTOR_POD_NAME": "arc-job-exec-3",
        "SPARK_JAVA_OPT_1": "-Dsecond=2",
        "SPARK_JAVA_OPT_0": "-Dfirst=1",
        "SPARK_JAVA_OPT_10": "-Dtenth=10",
    }
    env = {"PATH": "/usr/bin:/bin", "JAVA_HOME": str(java_home), "SPARK_HOME": "/opt/spark"}
    done = subprocess.run([entrypoint, "executor"], env={**env, **described}, capture_output=True)
    assert done.returncode == 0, done.stderr
    args = record.read_text().splitlines()
    assert "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" in args
    options = [a for a in args if a.startswith("-D")]
    assert options == ["-Dfirst=1", "-Dsecond=2", "-Dtenth=10"], "in the driver's order"
    assert args[args.index("-cp") + 1] == "/opt/spark/conf:/opt/spark/jars/*"
    main = args.index("org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend")
    assert args[main + 1 :] == [
        "--driver-url", described["SPARK_DRIVER_URL"], "--executor-id", "3", "--cores", "2",
        "--app-id", "spark-application-1", "--hostname", "10.0.0.9", "--resourceProfileId", "0",
        "--podName", "arc-job-exec-3",
    ]  # fmt: skip
    assert "-Xmx8g" in args and "-Xms8g" in args
    # Without the driver's description it says so; any other command runs as given.
    missing = {k: v for k, v in described.items() if k != "SPARK_DRIVER_URL"}
    refused = subprocess.run([entrypoint, "executor"], env={**env, **missing}, capture_output=True)
    assert refused.returncode == 2 and b"SPARK_DRIVER_URL is not set" in refused.stderr
    echoed = subprocess.run([entrypoint, "echo", "as given"], env=env, capture_output=True)
    assert echoed.stdout == b"as given\n"
