"""The JupyterHub Authenticator: sign-in against the users' secret."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import boto3
from botocore.config import Config
from jupyterhub.auth import Authenticator
from jupyterhub.handlers import BaseHandler
from jupyterhub.scopes import needs_scope
from tornado import web
from traitlets import Float, Integer, Unicode

from .lockout import Lockout
from .passwords import verify_password
from .secret import UserStore, username_problem

# A failed sign-in for a known user re-reads a secret older than this, so a
# password just reset or rotated works at once (and no faster than this).
RECHECK_AFTER_S = 5.0


class SecretsManagerAuthenticator(Authenticator):
    """Users and their Argon2id hashes from one AWS Secrets Manager secret."""

    secret_id = Unicode(
        "arcade/hub-users",
        config=True,
        help="Name or ARN of the secret holding the users and their password hashes.",
    )
    region = Unicode("", config=True, help="AWS region of the secret (default: the SDK's own).")
    endpoint_url = Unicode(
        "",
        config=True,
        help="Secrets Manager endpoint override (a VPC endpoint, or a local stand-in in tests).",
    )
    cache_ttl = Float(
        60.0,
        config=True,
        help="Seconds the users are kept before the secret is read again; "
        "a rotated secret takes effect within this time.",
    )
    max_failures = Integer(
        5,
        config=True,
        help="Failed sign-ins within lockout_window that lock a user name or a client address.",
    )
    lockout_window = Float(
        300.0,
        config=True,
        help="Seconds over which failures count; "
        "a lockout lifts when its oldest failure is this old.",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lockout = Lockout(self.max_failures, self.lockout_window)
        self._store: UserStore | None = None

    @property
    def store(self) -> UserStore:
        if self._store is None:
            options: dict[str, Any] = {
                "config": Config(retries={"mode": "standard", "max_attempts": 3})
            }
            if self.region:
                options["region_name"] = self.region
            if self.endpoint_url:
                options["endpoint_url"] = self.endpoint_url
            client = boto3.client("secretsmanager", **options)
            self._store = UserStore(client, self.secret_id, ttl=self.cache_ttl)
        return self._store

    async def authenticate(self, handler: Any, data: dict[str, str]) -> Any:
        name = self.normalize_username(str(data.get("username", "")))
        password = str(data.get("password", ""))
        address = _client_address(handler)
        # Every refusal looks the same to the person signing in.
        if username_problem(name) is not None or password == "":
            return None
        wait = self.lockout.locked_for(name, address)
        if wait > 0:
            self.log.warning(
                "Sign-in refused for %s from %s: locked for %.0f s more",
                name,
                address,
                wait,
            )
            return None
        try:
            users = await asyncio.to_thread(self.store.users)
            ok = await asyncio.to_thread(verify_password, users.hash_of(name), password)
            if not ok and users.hash_of(name) is not None:
                age = self.store.age()
                if age is not None and age >= RECHECK_AFTER_S:
                    users = await asyncio.to_thread(self.store.users, 0.0)
                    ok = await asyncio.to_thread(verify_password, users.hash_of(name), password)
        except Exception:
            # The secret could not be read: nobody signs in, the reason goes to the log only.
            self.log.exception("Reading the users' secret %s failed", self.secret_id)
            return None
        if not ok:
            self.lockout.failed(name, address)
            self.log.info("Sign-in failed for %s from %s", name, address)
            return None
        self.lockout.succeeded(name, address)
        return {"name": name, "admin": users.is_admin(name) or None}

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        return [
            *super().get_handlers(app),
            (r"/arcade/lockouts", LockoutsHandler),
        ]


def _client_address(handler: Any) -> str | None:
    request = getattr(handler, "request", None)
    return getattr(request, "remote_ip", None)


class LockoutsHandler(BaseHandler):
    """``/hub/arcade/lockouts``: recent failures and lockouts, for admins."""

    def _lockout(self) -> Lockout:
        authenticator = self.authenticator
        if not isinstance(authenticator, SecretsManagerAuthenticator):
            raise web.HTTPError(404)
        return authenticator.lockout

    @web.authenticated
    @needs_scope("admin:users")
    def get(self) -> None:
        states = self._lockout().states()
        self.set_header("Content-Type", "application/json")
        self.finish(
            json.dumps(
                {
                    "maxFailures": self._lockout().max_failures,
                    "windowSeconds": self._lockout().window,
                    "keys": [
                        {
                            "key": s.key,
                            "failures": s.failures,
                            "lockedForSeconds": s.locked_for,
                        }
                        for s in states
                    ],
                }
            )
        )

    @web.authenticated
    @needs_scope("admin:users")
    def delete(self) -> None:
        key = self.get_argument("key")
        if not self._lockout().clear(key):
            raise web.HTTPError(404, f"no failures recorded for {key}")
        self.set_status(204)
        self.finish()
