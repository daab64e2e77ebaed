"""Choosing providers, falling back between them, and the client's own contract, on loopback fake spaces."""

import pickle

import pytest

import hfimage
from hfimage import (
    Attempt,
    InvalidRequestError,
    ServiceUnavailableError,
)

"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


def test_a_closed_client_refuses_new_calls():
    client = hfimage.Client()
    client.close()
    with pytest.raises(InvalidRequestError, match="closed"):
        client.generate("a cat")


@pytest.mark.parametrize(
    "error",
    [
        hfimage.QuotaExceededError("q", provider="P", retry_after=5.0),
        hfimage.RateLimitError("r", provider="P", retry_after=3.0),
        hfimage.ServiceUnavailableError("s", provider="P", status_code=503),
        hfimage.TimeoutError("t", provider="P"),
        hfimage.ConnectionError("c", provider="P"),
        hfimage.InvalidRequestError("i"),
        hfimage.AllProvidersFailedError("a", attempts=[Attempt("P", hfimage.ProtocolError("p", provider="P"))]),
        hfimage.AllProvidersOutOfQuotaError(
            "o", attempts=[Attempt("P", hfimage.QuotaExceededError("q", retry_after=9))]
        ),
        hfimage.NoProviderReachableError("n", attempts=[Attempt("P", hfimage.ConnectionError("c"))]),
    ],
)
def test_errors_survive_pickling_with_their_fields(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == {**error.__dict__, **copy.__dict__}
    assert vars(copy).keys() == vars(error).keys()
    for name, value in vars(error).items():
        if name != "attempts":
            assert getattr(copy, name) == value


def test_errors_are_also_the_builtin_kinds():
    assert isinstance(hfimage.InvalidRequestError("x"), ValueError)
    assert isinstance(hfimage.TimeoutError("x"), TimeoutError)
    assert isinstance(hfimage.ConnectionError("x"), ConnectionError)
    assert isinstance(hfimage.RateLimitError("x"), ServiceUnavailableError)
