import gc

import pytest

from zhicun.lib.collector import collector_paused


def test_it_pauses_the_collector_and_resumes_it_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
