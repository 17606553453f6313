"""moto's server mode as the local stand-in for AWS Secrets Manager (declared in the README)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

MOTO = Path(sys.executable).with_name("moto_server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_url():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = _free_port()
    server = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    client = boto3.client("secretsmanager", endpoint_url=url)
    deadline = time.monotonic() + 60
    while True:
        try:
            client.list_secrets()
            break
        except Exception:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def client(moto_url):
    return boto3.client("secretsmanager", endpoint_url=moto_url)


@pytest.fixture
def secret_id(request):
    # One secret per test: tests share the server, not their users.
    return f"arcade/hub-users-{request.node.name}"[:200].replace("[", "-").replace("]", "")
