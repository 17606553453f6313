"""SecretsManagerAuthenticator.authenticate against moto's Secrets Manager."""

import asyncio
import logging
from types import SimpleNamespace

import pytest
from arcade_hub_auth import SecretsManagerAuthenticator
from arcade_hub_auth.lockout import Lockout
from arcade_hub_auth.passwords import hash_password
from arcade_hub_auth.secret import UserSecret, UserStore


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def handler(address="10.1.2.3"):
    return SimpleNamespace(request=SimpleNamespace(remote_ip=address))


@pytest.fixture
def users(client, secret_id):
    store = UserStore(client, secret_id, ttl=0)
    store.create(UserSecret())
    store.update(
        lambda s: s.users.update(
            {
                "ana": {"hash": hash_password("ana's password"), "admin": True},
                "ben": {"hash": hash_password("ben's password"), "admin": False},
            }
        )
    )
    return store


@pytest.fixture
def auth(moto_url, secret_id, users):
    authenticator = SecretsManagerAuthenticator(
        secret_id=secret_id, endpoint_url=moto_url, region="us-east-1", cache_ttl=2.0
    )
    authenticator.log = logging.getLogger("test")
    return authenticator


def sign_in(auth, name, password, address="10.1.2.3"):
    return asyncio.run(
        auth.authenticate(handler(address), {"username": name, "password": password})
    )


def test_right_password_signs_in_with_the_admin_flag(auth):
    assert sign_in(auth, "ana", "ana's password") == {"name": "ana", "admin": True}
    assert sign_in(auth, "BEN", "ben's password") == {"name": "ben", "admin": None}


def test_refusals_look_alike_whether_or_not_the_user_exists(auth):
    assert sign_in(auth, "ana", "wrong password!") is None
    assert sign_in(auth, "nobody", "wrong password!") is None
    assert sign_in(auth, "ana", "") is None
    assert sign_in(auth, "../etc", "whatever") is None


def test_lockout_engages_after_n_failures_and_lifts_after_the_window(auth, caplog):
    clock = Clock()
    auth.lockout = Lockout(max_failures=3, window=60, clock=clock)
    for _ in range(3):
        assert sign_in(auth, "ben", "not his password") is None
    # Locked: even the right password is refused, from any address for this user.
    assert sign_in(auth, "ben", "ben's password", address="10.9.9.9") is None
    # The address is locked for other users too.
    assert sign_in(auth, "ana", "ana's password") is None
    assert "locked" in caplog.text
    assert "ben's password" not in caplog.text
    clock.now += 60
    assert sign_in(auth, "ben", "ben's password") == {"name": "ben", "admin": None}


def test_a_rotated_hash_takes_effect_within_the_ttl(auth, users):
    assert sign_in(auth, "ben", "ben's password")
    users.update(lambda s: s.users["ben"].__setitem__("hash", hash_password("ben's new password")))
    # Within the TTL the old password may still work; after it, only the new one.
    asyncio.run(asyncio.sleep(2.1))
    assert sign_in(auth, "ben", "ben's password") is None
    assert sign_in(auth, "ben", "ben's new password") == {"name": "ben", "admin": None}


def test_an_unreadable_secret_lets_nobody_in(moto_url):
    auth = SecretsManagerAuthenticator(
        secret_id="arcade/absent", endpoint_url=moto_url, region="us-east-1"
    )
    auth.log = logging.getLogger("test")
    assert sign_in(auth, "ana", "ana's password") is None
