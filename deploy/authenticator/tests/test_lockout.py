import pytest
from arcade_hub_auth.lockout import Lockout


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failures_lock_the_user_and_the_address_until_the_window_passes():
    clock = Clock()
    lockout = Lockout(max_failures=3, window=60, clock=clock)
    for _ in range(2):
        lockout.failed("alice", "10.0.0.1")
        clock.now += 1
    assert lockout.locked_for("alice", "10.0.0.1") == 0
    lockout.failed("alice", "10.0.0.1")
    assert lockout.locked_for("alice", "10.0.0.2") == pytest.approx(58)
    # Another user from the same address is locked too.
    assert lockout.locked_for("bob", "10.0.0.1") == pytest.approx(58)
    assert lockout.locked_for("bob", "10.0.0.2") == 0
    clock.now += 58
    assert lockout.locked_for("alice", "10.0.0.1") == 0


def test_success_clears_and_admins_see_and_lift_lockouts():
    clock = Clock()
    lockout = Lockout(max_failures=2, window=60, clock=clock)
    lockout.failed("carol", "10.0.0.3")
    lockout.succeeded("carol", "10.0.0.3")
    assert lockout.states() == []
    lockout.failed("nobody", "10.0.0.4")
    lockout.failed("nobody", "10.0.0.4")
    states = {s.key: s for s in lockout.states()}
    assert states["user:nobody"].failures == 2
    assert states["user:nobody"].locked_for == 60
    assert lockout.clear("user:nobody")
    assert lockout.clear("address:10.0.0.4")
    assert not lockout.clear("user:nobody")
    assert lockout.locked_for("nobody", "10.0.0.4") == 0


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        Lockout(max_failures=0)
