"""The users' secret: its JSON form, a cached reader and a conflict-safe writer.

The secret's value is JSON::

    {"format": 1, "users": {"alice": {"hash": "$argon2id$...", "admin": true}}}

Writes never overwrite another admin's change: the new value is stored as a
version with a staging label of its own, then ``AWSCURRENT`` is moved to it
from the version that was read — which Secrets Manager refuses if
``AWSCURRENT`` has moved meanwhile. The change is then made again on the
newer value.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

FORMAT = 1
PENDING_STAGE = "ARCADE_PENDING"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class SecretFormatError(ValueError):
    """The secret's value is not the users' JSON."""


class SecretConflict(RuntimeError):
    """Other writers kept changing the secret; nothing was written."""


def username_problem(name: str) -> str | None:
    if not USERNAME.match(name):
        return (
            f'"{name}" is not a user name: 1 to 64 lower-case letters, digits, '
            '".", "_" or "-", starting with a letter or digit'
        )
    return None


@dataclass
class UserSecret:
    """The users and their hashes, as stored."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> UserSecret:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise SecretFormatError(
                f"the users' secret is not JSON (line {error.lineno}, column {error.colno})"
            ) from None
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise SecretFormatError(f'the users\' secret must be an object with "format": {FORMAT}')
        users = value.get("users")
        if not isinstance(users, dict):
            raise SecretFormatError('the users\' secret has no "users" object')
        for name, record in users.items():
            if username_problem(name) is not None:
                raise SecretFormatError(f'the users\' secret names a bad user "{name}"')
            if not isinstance(record, dict) or not str(record.get("hash", "")).startswith(
                "$argon2"
            ):
                raise SecretFormatError(f'user "{name}" in the users\' secret has no Argon2 "hash"')
        return cls(users=users)

    def dump(self) -> str:
        return json.dumps({"format": FORMAT, "users": self.users}, sort_keys=True)

    def hash_of(self, name: str) -> str | None:
        record = self.users.get(name)
        return None if record is None else str(record["hash"])

    def is_admin(self, name: str) -> bool:
        return bool(self.users.get(name, {}).get("admin", False))


class UserStore:
    """Reads the secret (cached for ``ttl`` seconds) and writes it safely."""

    def __init__(
        self,
        client: Any,
        secret_id: str,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.secret_id = secret_id
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, UserSecret, str] | None = None

    def users(self, max_age: float | None = None) -> UserSecret:
        """The users, read again when the copy is older than ``max_age`` (default: the TTL)."""
        limit = self._ttl if max_age is None else max_age
        with self._lock:
            cached = self._cached
            if cached is not None and self._clock() - cached[0] < limit:
                return cached[1]
        secret, version = self._read()
        with self._lock:
            self._cached = (self._clock(), secret, version)
        return secret

    def age(self) -> float | None:
        """Seconds since the secret was read, None before the first read."""
        cached = self._cached
        return None if cached is None else self._clock() - cached[0]

    def _read(self) -> tuple[UserSecret, str]:
        answer = self._client.get_secret_value(SecretId=self.secret_id, VersionStage="AWSCURRENT")
        return UserSecret.parse(answer["SecretString"]), answer["VersionId"]

    def create(self, secret: UserSecret, kms_key_id: str | None = None) -> None:
        """Creates the secret (for a new installation; Terraform does it on AWS)."""
        extra = {} if kms_key_id is None else {"KmsKeyId": kms_key_id}
        self._client.create_secret(Name=self.secret_id, SecretString=secret.dump(), **extra)

    def update(self, change: Callable[[UserSecret], None], attempts: int = 5) -> UserSecret:
        """Applies ``change`` to the current users and stores the result.

        If another writer moved ``AWSCURRENT`` after this one read it, the
        change is made again on the newer value; after ``attempts`` tries,
        SecretConflict and nothing is lost or half-written.
        """
        for _ in range(attempts):
            current, version = self._read()
            changed = UserSecret(users=copy.deepcopy(current.users))
            change(changed)
            token = str(uuid.uuid4())
            self._client.put_secret_value(
                SecretId=self.secret_id,
                ClientRequestToken=token,
                SecretString=changed.dump(),
                VersionStages=[PENDING_STAGE],
            )
            try:
                self._client.update_secret_version_stage(
                    SecretId=self.secret_id,
                    VersionStage="AWSCURRENT",
                    MoveToVersionId=token,
                    RemoveFromVersionId=version,
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code != "InvalidParameterException":
                    raise
                continue
            with self._lock:
                self._cached = (self._clock(), changed, token)
            return changed
        raise SecretConflict(
            f"{self.secret_id} kept changing while it was being written "
            f"({attempts} attempts); nothing was written: try again"
        )
