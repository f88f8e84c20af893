"""Pausing Python's cyclic garbage collector for a large batch.

A 100,000-row import holds millions of long-lived objects (the parsed rows, the plan). The
collector's full passes walk all of them again and again while the batch allocates, which cost
the import more than a third of its time. Reference counting still frees everything that is not
in a reference cycle, and the batch makes no cycles worth collecting early; the collector runs
again as soon as the batch is done.
"""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
