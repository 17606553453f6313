from arcade_hub_auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


def test_hashes_are_salted_argon2id_and_verify():
    first = hash_password("correct horse battery")
    second = hash_password("correct horse battery")
    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password(first, "correct horse battery")
    assert not verify_password(first, "correct horse batterY")
    assert not needs_rehash(first)


def test_unknown_users_and_bad_hashes_never_verify():
    assert not verify_password(None, "arcade: no such user")
    assert not verify_password("plaintext-password", "plaintext-password")
    assert needs_rehash("not a hash")


def test_weak_passwords_are_refused_with_the_reason():
    assert password_problem("short") == "a password needs at least 12 characters"
    assert password_problem(" padded password ") is not None
    assert password_problem("a long enough one") is None
