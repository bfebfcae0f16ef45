"""``python -m bot outbox``: what the outbox has not delivered yet, and why."""

from __future__ import annotations

from storage.unit_of_work import Storage


def list_outbox(storage: Storage) -> int:
    with storage.transaction() as tx:
        pending = tx.outbox.undelivered()
    if not pending:
        print("Everything has been delivered.")
        return 0
    print("id\ttopic\tdestination\tqueued (UTC)\tstate\tlast error")
    for message in pending:
        state = (
            f"failed {message.attempts}×, next try {message.next_attempt_at:%Y-%m-%d %H:%M:%S}"
            if message.attempts
            else "pending"
        )
        print(
            f"{message.id}\t{message.topic}\t{message.destination}\t{message.created_at:%Y-%m-%d %H:%M}\t{state}"
            + (f"\t{message.last_error}" if message.last_error else "")
        )
    return 0
