"""What goes wrong on the wire, as hfimage's typed errors: literal exceptions and answers in, no sockets."""

import errno
import http.client
import io
import pickle
import socket

import pytest
import requests
import urllib3.exceptions

import hfimage
from hfimage._core.deadline import Deadline
from hfimage._http.errors import FAILURES, check_status, network_error, read_json

URL = "https://tester-flux.hf.space/gradio_api/call/infer"


class FakeConnection:
    host = "tester-flux.hf.space"


def wrapped(cause):
    """As requests raises it: a ConnectionError around urllib3's MaxRetryError around the cause."""
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, URL, cause))


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (wrapped(urllib3.exceptions.NameResolutionError("x.hf.space", FakeConnection(), socket.gaierror())),
         hfimage.ConnectionError, "name"),
        (wrapped(urllib3.exceptions.NewConnectionError(FakeConnection(), "refused")), hfimage.ConnectionError,
         "refused"),
        (requests.ConnectTimeout("connect timed out"), hfimage.ConnectionError, "connect"),
        (requests.exceptions.SSLError("bad certificate"), hfimage.ConnectionError, "tls"),
        (requests.exceptions.ProxyError(urllib3.exceptions.NewConnectionError(FakeConnection(), "no proxy")),
         hfimage.ConnectionError, "proxy"),
        (requests.exceptions.ChunkedEncodingError("chunk broken"), hfimage.ConnectionError, "dropped"),
        (urllib3.exceptions.ProtocolError("Connection broken", http.client.IncompleteRead(b"")),
         hfimage.ConnectionError, "dropped"),
        (OSError(errno.EPIPE, "broken pipe"), hfimage.ConnectionError, "failed"),
        (requests.ReadTimeout("read timed out"), hfimage.TimeoutError, None),
        (urllib3.exceptions.ReadTimeoutError(None, URL, "read timed out"), hfimage.TimeoutError, None),
    ],
)  # fmt: skip
def test_each_network_failure_becomes_its_typed_error(exc, kind, reason):
    error = network_error(exc, URL, Deadline(60), "P")
    assert type(error) is kind
    assert error.provider == "P"
    assert getattr(error, "reason", None) == reason
    assert "tester-flux.hf.space" in str(error)


def test_a_passed_deadline_wins_over_whatever_broke():
    error = network_error(wrapped(urllib3.exceptions.NewConnectionError(FakeConnection(), "x")), URL, Deadline(0), "P")
    assert type(error) is hfimage.TimeoutError
    assert str(error).startswith("Gave up waiting for tester-flux.hf.space after 0 s")


def test_a_proxy_that_took_the_request_and_said_nothing_is_named():
    exc = requests.exceptions.ProxyError(http.client.RemoteDisconnected("closed"))
    error = network_error(
        exc, URL, Deadline(60), "P", proxy="http://user:pw@127.0.0.1:3128", waited=4.24, answered=False
    )
    assert type(error) is hfimage.ConnectionError
    assert error.reason == "proxy_silent"
    assert str(error).startswith("The proxy http://127.0.0.1:3128 took the request for tester-flux.hf.space")
    assert "sent no answer in 4.2 s" in str(error)
    assert "pw" not in str(error)


def test_the_table_puts_the_most_specific_kinds_first():
    kinds = [kind for row, _ in FAILURES for kind in row]
    for index, kind in enumerate(kinds):
        assert not any(issubclass(kind, earlier) for earlier in kinds[:index] if earlier is not kind), kind


def response(status, body=b"", content_type="application/json", headers=None, url=URL):
    answer = requests.Response()
    answer.status_code = status
    answer.raw = io.BytesIO(body)
    answer.url = url
    answer.headers.update({"Content-Type": content_type, **(headers or {})})
    return answer


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "detail"),
    [
        (401, b'{"detail": "Invalid credentials"}', {}, hfimage.AuthenticationError, "Invalid credentials"),
        (403, b"", {}, hfimage.AuthenticationError, None),
        (404, b'{"detail": "Not Found"}', {}, hfimage.ProtocolError, "Not Found"),
        (422, b'{"detail": "bad input"}', {}, hfimage.ProtocolError, "bad input"),
        (429, b'{"detail": "slow down"}', {"Retry-After": "17"}, hfimage.RateLimitError, "slow down"),
        (500, b"Internal Server Error", {}, hfimage.ServiceUnavailableError, "Internal Server Error"),
        (503, b'{"detail": "Queue is full"}', {}, hfimage.ServiceUnavailableError, "Queue is full"),
    ],
)
def test_an_error_status_becomes_its_typed_error_with_the_answers_facts(status, body, headers, kind, detail):
    with pytest.raises(hfimage.HFImageError) as caught:
        check_status(response(status, body, headers=headers), "P")
    error = caught.value
    assert type(error) is kind
    assert (error.provider, error.status_code, error.url, error.detail) == ("P", status, URL, detail)
    if kind is hfimage.RateLimitError:
        assert error.retry_after == 17.0


def test_a_token_echoed_in_an_error_body_is_masked_in_the_detail():
    token = "hf_EchoedToken123456"
    with pytest.raises(hfimage.ProtocolError) as caught:
        check_status(response(400, f'{{"detail": "bad token {token}"}}'.encode()), "P", secret=token)
    assert caught.value.detail == "bad token hf_***"
    assert token not in repr(caught.value)


@pytest.mark.parametrize(
    ("body", "url", "kind"),
    [
        (b"<!DOCTYPE html><html>sleeping</html>", URL, hfimage.ServiceUnavailableError),
        (b"<html>login</html>", "http://127.0.0.1:7860/config", hfimage.ProtocolError),
        (b"{not json", URL, hfimage.ProtocolError),
        (b"[" * 100_000, URL, hfimage.ProtocolError),
    ],
)
def test_a_body_that_is_not_json_is_typed_with_its_facts(body, url, kind):
    with pytest.raises(hfimage.HFImageError) as caught:
        read_json(response(200, body, url=url), "P")
    assert type(caught.value) is kind
    assert (caught.value.provider, caught.value.status_code, caught.value.url) == ("P", 200, url)
    assert caught.value.detail


def test_reprs_show_the_facts_and_pickles_keep_every_field():
    errors = [
        hfimage.RateLimitError("slow", provider="P", url=URL, detail="d", retry_after=3.0),
        hfimage.ConnectionError("down", provider="P", reason="refused"),
        hfimage.SavePermissionError("no", path="/x/y.png"),
    ]
    errors[2].errno, errors[2].strerror, errors[2].filename = errno.EACCES, "Permission denied", "/x"
    assert repr(errors[0]) == (
        "RateLimitError('slow', provider='P', status_code=429, url='https://tester-flux.hf.space/gradio_api/call/infer',"
        " detail='d', retry_after=3.0)"
    )
    assert repr(errors[1]) == "ConnectionError('down', provider='P', reason='refused')"
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert vars(copy) == vars(error)
        assert str(copy) == str(error)
    copy = pickle.loads(pickle.dumps(errors[2]))
    assert (copy.errno, copy.strerror, copy.filename, copy.path) == (
        errno.EACCES,
        "Permission denied",
        "/x",
        "/x/y.png",
    )
    assert isinstance(copy, PermissionError)
