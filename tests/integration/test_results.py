"""What a user does with an image: bytes, files, PIL, data URLs, notebook display; and what downloads refuse."""

import base64
import io
import sys

import pytest
from PIL import Image as PILImage

import hfimage
from hfimage import Image, MissingExtraError, ProtocolError
from hfimage._http.download import MAX_IMAGE_BYTES, download
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, solid_png

RED = (200, 30, 60)


@pytest.fixture
def image(fake_space):
    fake_space.script([fake_space.final(7)])
    with hfimage.Client() as client:
        yield client.generate("a red fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))


def test_content_mime_type_base64_and_data_url(image):
    assert image.content == solid_png(8, 8, RED)
    assert image.mime_type == "image/png"
    assert base64.b64decode(image.base64()) == image.content
    assert image.data_url() == "data:image/png;base64," + image.base64()


def test_to_pil_gives_the_picture(image):
    picture = image.to_pil()
    assert picture.size == (8, 8)
    assert picture.convert("RGB").getpixel((3, 3)) == RED


def test_to_pil_without_pillow_names_the_extra(image, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'hfimage\[pil\]'") as caught:
        image.to_pil()
    assert isinstance(caught.value, ImportError)


def test_a_notebook_shows_the_picture(image):
    bundle = image._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == image.content
    assert bundle["text/html"].startswith(f'<img src="{image.data_url()}" alt="a red fox"')
    assert bundle["text/plain"] == repr(image)


def test_a_webp_shows_through_html(image):
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
    object.__setattr__(image, "_content", webp)
    bundle = image._repr_mimebundle_()
    assert "image/png" not in bundle
    assert bundle["text/html"].startswith('<img src="data:image/webp;base64,')


def test_save_streams_to_disk_without_keeping_the_bytes(image, tmp_path):
    path = image.save(tmp_path / "fox")
    assert path == tmp_path / "fox.png"
    assert path.read_bytes() == solid_png(8, 8, RED)
    assert "_content" not in image.__dict__
    assert [p.name for p in tmp_path.iterdir()] == ["fox.png"]


def test_save_keeps_a_given_suffix_and_names_files_in_a_directory(image, tmp_path):
    assert image.save(tmp_path / "fox.PNG") == tmp_path / "fox.PNG"
    assert image.save(tmp_path) == tmp_path / "a-red-fox-7.png"
    assert image.save(tmp_path / "new" / "dir" / "x.png", parents=True) == tmp_path / "new" / "dir" / "x.png"


@pytest.mark.parametrize(("suffix", "kind"), [(".webp", "WEBP"), (".jpg", "JPEG"), (".JPEG", "JPEG"), (".gif", "GIF")])
def test_save_converts_to_the_type_the_suffix_names(image, tmp_path, suffix, kind):
    path = image.save(tmp_path / f"fox{suffix}")
    assert path == tmp_path / f"fox{suffix}"
    with PILImage.open(path) as saved:
        assert (saved.format, saved.size) == (kind, (8, 8))
        assert all(abs(a - b) <= 8 for a, b in zip(saved.convert("RGB").getpixel((3, 3)), RED, strict=True))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_writes_the_bytes_as_they_are_when_the_suffix_matches(image, tmp_path):
    assert image.save(tmp_path / "fox.png").read_bytes() == solid_png(8, 8, RED)
    with pytest.raises(hfimage.InvalidRequestError, match=r"\.image is not an image type"):
        image.save(tmp_path / "fox.image")
    assert [p.name for p in tmp_path.iterdir()] == ["fox.png"]


def test_a_conversion_without_pillow_says_what_to_do_and_leaves_no_file(image, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingExtraError) as caught:
        image.save(tmp_path / "fox.webp")
    assert str(caught.value) == (
        "fox.webp names a WebP file, but the image is PNG. Save it as fox.png, or converting it needs Pillow, "
        "which is not installed: pip install 'hfimage[pil]'"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "hostile",
    ["../../escape.png", "/etc/passwd", "..\\..\\evil.png", "a/../../b.png", "%2e%2e/%2e%2e/up.png", "\x00.png"],
)
def test_hostile_names_from_the_server_cannot_escape_the_directory(tmp_path, hostile):
    with FakeSpace() as space:
        outputs = space.image(3)
        outputs[0] |= {"orig_name": hostile, "path": hostile.replace("\x00", "")}
        space.files[outputs[0]["path"]] = solid_png(4, 4, RED)
        space.script([("complete", outputs)])
        folder = tmp_path / "out"
        folder.mkdir()
        with hfimage.Client() as client:
            try:
                image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
                path = image.save(folder)
            except ProtocolError:
                path = None  # a path climbing out with '..' is refused; others the server cannot serve
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == ([path] if path else [])
    if path is not None:
        assert path.parent == folder
        assert path.name == "a-fox-3.png"


def test_a_download_that_is_not_an_image_is_refused_and_leaves_no_file(tmp_path):
    with FakeSpace() as space:
        outputs = space.image(3)
        space.files[outputs[0]["path"]] = b"<html>you are not logged in</html>"
        space.script([("complete", outputs)])
        with hfimage.Client() as client:
            image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
            with pytest.raises(ProtocolError, match="not a PNG, JPEG, WebP or GIF"):
                image.save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_download_stops_at_the_size_limit(fake_space):
    from hfimage._core.deadline import Deadline
    from hfimage._http.channel import Channel
    from hfimage._http.transport import Transport

    outputs = fake_space.image(1)
    fake_space.files[outputs[0]["path"]] = solid_png(8, 8, RED) + b"\x00" * 5000
    channel = Channel(Transport(), Deadline(10), "P")
    sink = io.BytesIO()
    with pytest.raises(ProtocolError, match="larger than 0 MiB"):
        download(channel, outputs[0]["url"], sink, max_bytes=4096)
    assert len(sink.getvalue()) <= 4096 + 65536
    assert MAX_IMAGE_BYTES == 256 * 2**20


def test_a_server_error_on_download_is_typed(fake_space):
    outputs = fake_space.image(1)
    del fake_space.files[outputs[0]["path"]]
    fake_space.script([("complete", outputs)])
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        with pytest.raises(ProtocolError, match="404 Not Found"):
            _ = image.content
    assert isinstance(image, Image)


def test_pil_can_open_what_save_wrote(image, tmp_path):
    with PILImage.open(image.save(tmp_path / "x")) as opened:
        assert opened.size == (8, 8)
