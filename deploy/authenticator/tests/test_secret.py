"""The users' secret and the admin CLI against moto's Secrets Manager."""

import io
import json

import pytest
from arcade_hub_auth import admin
from arcade_hub_auth.passwords import verify_password
from arcade_hub_auth.secret import (
    SecretConflict,
    SecretFormatError,
    UserSecret,
    UserStore,
)


def cli(client, secret_id, *args, stdin="", monkeypatch=None):
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return admin.run(["--secret-id", secret_id, *args], client=client)


def current(client, secret_id):
    # AWSCURRENT named: moto's default version does not follow a moved label (AWS's does).
    answer = client.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")
    return json.loads(answer["SecretString"])


def test_add_reset_list_remove(client, secret_id, monkeypatch, capsys):
    assert cli(client, secret_id, "init") == 0
    assert (
        cli(
            client,
            secret_id,
            "add",
            "alice",
            "--admin",
            "--password-stdin",
            stdin="alice password 1\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    cli(
        client,
        secret_id,
        "add",
        "bob",
        "--password-stdin",
        stdin="bob password 123\n",
        monkeypatch=monkeypatch,
    )
    value = current(client, secret_id)
    assert value["format"] == 1
    assert verify_password(value["users"]["alice"]["hash"], "alice password 1")
    assert "alice password 1" not in json.dumps(value)
    capsys.readouterr()
    assert cli(client, secret_id, "list") == 0
    assert capsys.readouterr().out == "alice\tadmin\nbob\tuser\n"

    cli(
        client,
        secret_id,
        "reset",
        "bob",
        "--password-stdin",
        stdin="bob password 456\n",
        monkeypatch=monkeypatch,
    )
    bob = current(client, secret_id)["users"]["bob"]
    assert verify_password(bob["hash"], "bob password 456")
    assert not verify_password(bob["hash"], "bob password 123")
    assert cli(client, secret_id, "remove", "bob") == 0
    assert sorted(current(client, secret_id)["users"]) == ["alice"]


def test_mistakes_say_what_to_do_and_change_nothing(client, secret_id, monkeypatch, capsys):
    cli(client, secret_id, "init")
    before = client.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")["VersionId"]
    assert (
        cli(client, secret_id, "add", "Bad Name", "--password-stdin", stdin="x" * 20)
        == admin.EXIT_USAGE
    )
    assert "is not a user name" in capsys.readouterr().err
    assert (
        cli(
            client,
            secret_id,
            "add",
            "dave",
            "--password-stdin",
            stdin="short\n",
            monkeypatch=monkeypatch,
        )
        == admin.EXIT_USAGE
    )
    assert "at least 12 characters" in capsys.readouterr().err
    assert cli(client, secret_id, "remove", "nobody") == admin.EXIT_USAGE
    assert 'no user "nobody"' in capsys.readouterr().err
    assert (
        cli(
            client,
            secret_id,
            "reset",
            "nobody",
            "--password-stdin",
            stdin="a good password\n",
            monkeypatch=monkeypatch,
        )
        == admin.EXIT_USAGE
    )
    assert "use add" in capsys.readouterr().err
    assert (
        client.get_secret_value(SecretId=secret_id, VersionStage="AWSCURRENT")["VersionId"]
        == before
    )
    assert cli(client, "arcade/absent", "list") == admin.EXIT_FAILED
    assert "ResourceNotFoundException" in capsys.readouterr().err


def test_two_admins_writing_at_once_both_keep_their_change(client, secret_id):
    UserStore(client, secret_id).create(UserSecret())
    first = UserStore(client, secret_id, ttl=0)
    second = UserStore(client, secret_id, ttl=0)
    record = {"hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "admin": False}
    calls = []

    def add_erin(secret):
        calls.append(1)
        if len(calls) == 1:
            # The other admin writes between this one's read and write.
            second.update(lambda s: s.users.__setitem__("frank", record))
        secret.users["erin"] = record

    first.update(add_erin)
    assert len(calls) == 2
    assert sorted(current(client, secret_id)["users"]) == ["erin", "frank"]


def test_a_writer_that_keeps_losing_writes_nothing(client, secret_id):
    UserStore(client, secret_id).create(UserSecret())
    store = UserStore(client, secret_id, ttl=0)
    other = UserStore(client, secret_id, ttl=0)
    record = {"hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}
    n = iter(range(100))

    def always_interrupted(secret):
        other.update(lambda s: s.users.__setitem__(f"other{next(n)}", record))
        secret.users["mine"] = record

    with pytest.raises(SecretConflict, match="nothing was written"):
        store.update(always_interrupted, attempts=3)
    users = current(client, secret_id)["users"]
    assert "mine" not in users
    assert len(users) == 3


def test_a_secret_that_is_not_the_users_json_is_refused_with_where(client, secret_id):
    client.create_secret(Name=secret_id, SecretString='{"format": 1,\n "users": [}')
    with pytest.raises(SecretFormatError, match="line 2"):
        UserStore(client, secret_id).users()
    with pytest.raises(SecretFormatError, match="Argon2"):
        UserSecret.parse(json.dumps({"format": 1, "users": {"eve": {"hash": "plain"}}}))


def test_reads_are_cached_for_the_ttl(client, secret_id):
    now = [0.0]
    UserStore(client, secret_id).create(UserSecret())
    store = UserStore(client, secret_id, ttl=30, clock=lambda: now[0])
    assert store.users().users == {}
    UserStore(client, secret_id, ttl=0).update(
        lambda s: s.users.__setitem__("gina", {"hash": "$argon2id$x"})
    )
    now[0] = 29.0
    assert store.users().users == {}
    now[0] = 30.0
    assert list(store.users().users) == ["gina"]
