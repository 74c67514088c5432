"""Run actions at the same moment in real threads (each with its own database connection): the concurrency
tests of every app use this to make two users act on one object at once."""

from __future__ import annotations

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def run_pair(*calls):
    """Run the calls in threads released together; each result is ("ok", value) or ("refused", error).

    A refusal is any ValidationError (WorkflowError, Conflict, field errors); anything else is a crash and
    fails the test, with the exception shown."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", call())
        except ValidationError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:
            results[i] = ("crashed", exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    crashed = [r for r in results if r[0] == "crashed"]
    assert not crashed, crashed
    return results
