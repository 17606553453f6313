"""JupyterHub sign-in against users kept in one AWS Secrets Manager secret.

Each user has a salted Argon2id hash (never a password, never one shared
password); the hub reads the secret through the default AWS credential chain
(IRSA on EKS), caches it for a short time and sees a rotated secret within
that time. Failed sign-ins lock a user name and a client address for a
while; admins see the lockouts. ``arcade-hub-users`` adds, removes, resets
and lists users, writing the secret so that two admins cannot lose each
other's change.
"""

from .authenticator import SecretsManagerAuthenticator
from .lockout import Lockout
from .passwords import hash_password, verify_password
from .secret import SecretConflict, UserSecret, UserStore

__all__ = [
    "Lockout",
    "SecretConflict",
    "SecretsManagerAuthenticator",
    "UserSecret",
    "UserStore",
    "hash_password",
    "verify_password",
]
