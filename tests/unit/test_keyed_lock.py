"""The per-applicant lock: the same key waits, other keys don't, and nothing is kept after."""

from __future__ import annotations

import threading

from conversations.keyed_lock import KeyedLocks


def test_same_key_waits_other_keys_do_not():
    locks = KeyedLocks()
    entered = []

    def enter(key: str) -> None:
        with locks.hold(key):
            entered.append(key)

    with locks.hold("maria"):
        same = threading.Thread(target=enter, args=("maria",))
        other = threading.Thread(target=enter, args=("jordan",))
        same.start()
        other.start()
        other.join(2)
        same.join(0.2)
        assert entered == ["jordan"]  # another applicant is not held up
        assert same.is_alive()  # the same applicant waits
    same.join(2)
    assert entered == ["jordan", "maria"]


def test_no_lock_is_kept_once_released():
    locks = KeyedLocks()
    for number in range(100):
        with locks.hold(f"applicant-{number}"):
            assert len(locks) == 1
    assert len(locks) == 0
