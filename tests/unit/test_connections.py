"""Connections: a client reuses one from call to call on both routes, because it reads each event
stream to its end; a stream that goes on after its result costs only its own connection."""

import pytest

import hfimage
import hfimage.aio


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: hfimage.Client(max_connections=0), "max_connections must be a whole number of at least 1; got 0"),
        (lambda: hfimage.aio.Client(max_concurrency=1.5), "max_concurrency must be a whole number of at least 1"),
    ],
)
def test_pool_sizes_are_checked(make, message):
    with pytest.raises(hfimage.InvalidRequestError, match=message):
        make()
