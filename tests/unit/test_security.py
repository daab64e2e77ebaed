"""What no server can make hfimage do: leak the token, fetch what is not http(s), or turn TLS checks off."""

import re
from pathlib import Path

import pytest

import hfimage
from hfimage._http.transport import Transport

SOURCE = Path(hfimage.__file__).parent


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x.png", "data:image/png;base64,AAAA"])
def test_downloads_refuse_anything_but_http(url):
    from hfimage._core.deadline import Deadline
    from hfimage._http.channel import Channel
    from hfimage._http.download import download

    with pytest.raises(hfimage.ProtocolError, match="will not fetch"):
        download(Channel(Transport(), Deadline(5), "P"), url, None)  # type: ignore[arg-type]


def test_tls_verification_is_on_and_never_switched_off():
    assert Transport()._session.verify is True
    code = "\n".join(path.read_text() for path in SOURCE.rglob("*.py"))
    assert not re.search(r"verify\s*=\s*False|CERT_NONE|_create_unverified_context", code)
