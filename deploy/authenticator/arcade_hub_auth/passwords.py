"""Argon2id password hashes (argon2-cffi), verified in constant time."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's RFC 9106 "low memory" profile: 64 MiB, 3 passes, 4 lanes.
_HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)

# Verified against when the user does not exist, so that an unknown name
# costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("arcade: no such user")

MIN_LENGTH = 12


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "a password must not start or end with spaces"
    return None


def hash_password(password: str) -> str:
    """A salted Argon2id hash in PHC string form ($argon2id$…)."""
    problem = password_problem(password)
    if problem is not None:
        raise ValueError(problem)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user (None) takes as long and fails."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and (stored_hash is not None)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
