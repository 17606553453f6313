"""``arcade-hub-users``: add, remove, reset and list the hub's users.

Passwords are read from the terminal (asked twice) or, with
``--password-stdin``, from the first line of standard input; they are stored
only as Argon2id hashes. Writes go through UserStore.update, so two admins
changing users at once both keep their change.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .passwords import hash_password, password_problem
from .secret import SecretConflict, SecretFormatError, UserSecret, UserStore, username_problem

EXIT_USAGE = 2
EXIT_FAILED = 1


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arcade-hub-users",
        description="Manage the JupyterHub users kept in an AWS Secrets Manager secret.",
    )
    parser.add_argument(
        "--secret-id",
        default=os.environ.get("ARCADE_HUB_USERS_SECRET", "arcade/hub-users"),
        help="the users' secret (default: $ARCADE_HUB_USERS_SECRET or arcade/hub-users)",
    )
    parser.add_argument("--region", default=None, help="AWS region (default: the SDK's)")
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("ARCADE_HUB_SECRETS_ENDPOINT"),
        help="Secrets Manager endpoint override",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create the secret with no users")
    init.add_argument("--kms-key-id", default=None, help="KMS key to encrypt it with")
    for name, text in (("add", "add a user"), ("reset", "set a user's new password")):
        command = commands.add_parser(name, help=text)
        command.add_argument("user")
        command.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        if name == "add":
            command.add_argument("--admin", action="store_true", help="a hub admin")
    remove = commands.add_parser("remove", help="remove a user")
    remove.add_argument("user")
    commands.add_parser("list", help="list the users (names and roles, never hashes)")
    return parser


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ; nothing was changed")
    problem = password_problem(password)
    if problem is not None:
        raise UsageError(f"{problem}; nothing was changed")
    return password


def _user(name: str) -> str:
    problem = username_problem(name)
    if problem is not None:
        raise UsageError(problem)
    return name


def run(argv: Sequence[str], client: Any | None = None) -> int:
    args = _parser().parse_args(argv)
    if client is None:
        options: dict[str, Any] = {}
        if args.region:
            options["region_name"] = args.region
        if args.endpoint_url:
            options["endpoint_url"] = args.endpoint_url
        client = boto3.client("secretsmanager", **options)
    store = UserStore(client, args.secret_id, ttl=0)
    try:
        if args.command == "init":
            store.create(UserSecret(), args.kms_key_id)
            print(f"Created {args.secret_id} with no users.")
        elif args.command == "list":
            users = store.users()
            for name in sorted(users.users):
                print(f"{name}\t{'admin' if users.is_admin(name) else 'user'}")
        elif args.command in ("add", "reset"):
            name = _user(args.user)
            new_hash = hash_password(_password(args.password_stdin))

            def change(secret: UserSecret) -> None:
                exists = name in secret.users
                if args.command == "add" and exists:
                    raise UsageError(f'user "{name}" exists already: use reset')
                if args.command == "reset" and not exists:
                    raise UsageError(f'no user "{name}": use add')
                record = dict(secret.users.get(name, {}))
                record["hash"] = new_hash
                if args.command == "add":
                    record["admin"] = bool(args.admin)
                secret.users[name] = record

            store.update(change)
            print(f"{'Added' if args.command == 'add' else 'Reset the password of'} {name}.")
        elif args.command == "remove":
            name = _user(args.user)

            def drop(secret: UserSecret) -> None:
                if secret.users.pop(name, None) is None:
                    raise UsageError(f'no user "{name}"')

            store.update(drop)
            print(f"Removed {name}.")
    except UsageError as error:
        print(f"arcade-hub-users: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (SecretConflict, SecretFormatError) as error:
        print(f"arcade-hub-users: {error}", file=sys.stderr)
        return EXIT_FAILED
    except ClientError as error:
        info = error.response.get("Error", {})
        print(
            f"arcade-hub-users: Secrets Manager refused ({info.get('Code', '?')}): "
            f"{info.get('Message', '')} — check the secret id, region and your AWS permissions",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except BotoCoreError as error:
        print(f"arcade-hub-users: {error}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
