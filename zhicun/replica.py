"""Dashboard reads from a read replica when DATABASE_REPLICA_URL is set.

Only the code inside `replica_reads()` reads from the replica: the dashboards' figures, where a
few seconds of lag do no harm. Scope checks and every write stay on the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"
_reading = ContextVar("zhicun_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() else "default"

    def db_for_write(self, model, **hints):
        # Also for objects that were read from the replica.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
