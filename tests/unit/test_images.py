"""The images a call sends: every form ``image=`` takes, checked before anything is sent; their sizes
read from their bytes; the form that carries them; and which models a call with or without one plans."""

import io
import os
import pathlib

import pytest
import responses
from PIL import Image as PILImage

import hfimage
from hfimage import InvalidRequestError
from hfimage._calls.images import MAX_IMAGES, input_images
from hfimage._core.imagetype import pixel_size
from hfimage._core.input_image import InputImage
from hfimage._http.multipart import FilePart, Form
from hfimage.testing import solid_png
from hfimage.testing._gradio import _form_files

from ..helpers import Pipe

PNG = solid_png(5, 3, (10, 20, 30))


def encoded(size, kind, **options):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 10, 10)).save(buffer, kind, **options)
    return buffer.getvalue()


def read_all(image: InputImage) -> bytes:
    reader = image.open()
    try:
        return reader.read()
    finally:
        reader.close()


def result(**fields):
    made = {
        **{"url": "https://a.hf.space/gradio_api/file=/tmp/x.png", "seed": 1, "width": 5, "height": 3},
        **{"prompt": "p", "negative_prompt": None, "model": "m", "provider": "owner/space", "elapsed": 1.0},
    }
    return hfimage.Image(**{**made, **fields})


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (encoded((37, 21), "PNG"), (37, 21)),
        (encoded((37, 21), "JPEG"), (37, 21)),
        (encoded((37, 21), "JPEG", progressive=True), (37, 21)),
        (encoded((37, 21), "JPEG", exif=b"Exif\x00\x00" + b"\x00" * 3000), (37, 21)),
        (encoded((37, 21), "GIF"), (37, 21)),
        (encoded((37, 21), "WEBP", lossless=True), (37, 21)),
        (encoded((37, 21), "WEBP", quality=50), (37, 21)),
        (encoded((3000, 17), "WEBP", quality=50, exif=b"Exif\x00\x00abc"), (3000, 17)),
    ],
    ids=["png", "jpeg", "progressive-jpeg", "jpeg-with-exif", "gif", "webp-lossless", "webp-lossy", "webp-extended"],
)
def test_the_size_of_an_image_is_read_from_its_header(data, size):
    assert pixel_size(data) == size


@pytest.mark.parametrize("data", [b"", b"hello world", PNG[:20], encoded((9, 9), "JPEG")[:30], b"RIFF\0\0\0\0WEBPVP8 "])
def test_bytes_that_do_not_say_a_size_have_none(data):
    assert pixel_size(data) is None


def test_a_path_is_read_for_its_type_and_size_and_streamed_later(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(PNG)  # the name says JPEG, the bytes say PNG: the bytes win
    for given in (str(path), path):
        (image,) = input_images(given)
        assert (image.name, image.mime_type, image.size, image.label) == ("photo.jpg", "image/png", len(PNG), str(path))
        assert read_all(image) == read_all(image) == PNG  # each upload reads it afresh


def test_a_path_with_a_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "cat.png").write_bytes(PNG)
    assert read_all(input_images("~/cat.png")[0]) == PNG


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_bytes_are_taken_as_they_are(kind):
    (image,) = input_images(kind(PNG))
    assert (image.name, image.mime_type, image.size) == ("image.png", "image/png", len(PNG))
    assert read_all(image) == PNG


def test_a_seekable_file_is_read_from_where_it_stands_and_left_open_there(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"junk" + PNG)
    with open(path, "rb") as file:
        file.seek(4)
        (image,) = input_images(file)
        assert file.tell() == 4
        assert (image.name, image.size) == ("a.bin", len(PNG))
        assert read_all(image) == read_all(image) == PNG
        assert not file.closed


def test_a_file_that_cannot_seek_is_copied_aside_once():
    (image,) = input_images(io.BufferedReader(Pipe(PNG)))
    assert (image.name, image.size) == ("image.png", len(PNG))
    assert read_all(image) == read_all(image) == PNG


def test_a_pillow_image_is_sent_as_png_losslessly():
    picture = PILImage.new("RGB", (7, 4))
    picture.frombytes(bytes((index * 9 + channel) % 256 for index in range(28) for channel in range(3)))
    (image,) = input_images(picture)
    assert (image.name, image.mime_type) == ("image.png", "image/png")
    decoded = PILImage.open(io.BytesIO(read_all(image)))
    assert decoded.format == "PNG"
    assert decoded.tobytes() == picture.tobytes()


def test_a_pillow_image_in_a_mode_png_cannot_hold_is_converted_not_refused():
    (image,) = input_images(PILImage.new("CMYK", (2, 2), (0, 0, 0, 0)))
    assert PILImage.open(io.BytesIO(read_all(image))).mode == "RGB"


def test_an_earlier_result_downloaded_is_sent_from_its_bytes_and_named_by_its_url():
    picture = result()
    hfimage.results.with_content(picture, PNG)
    (image,) = input_images(picture)
    assert (image.result_url, image.url, image.size) == (picture.url, None, len(PNG))
    assert read_all(image) == PNG


def test_an_earlier_result_not_downloaded_is_fetched_while_the_call_runs_not_now():
    with responses.RequestsMock():  # any request would fail: none is made
        (image,) = input_images(result())
    assert (image.url, image.result_url, image.opener) == (result().url, result().url, None)


def test_a_url_is_kept_to_fetch_while_the_call_runs():
    (image,) = input_images("https://example.com/cats/tabby%20cat.jpg")
    assert (image.url, image.name, image.size, image.opener) == (
        "https://example.com/cats/tabby%20cat.jpg", "tabby cat.jpg", None, None
    )  # fmt: skip


def test_a_list_gives_several_images_in_order(tmp_path):
    (tmp_path / "a.png").write_bytes(PNG)
    gif = encoded((2, 2), "GIF")
    images = input_images([tmp_path / "a.png", gif, "https://example.com/c.webp"])
    assert [image.mime_type for image in images] == ["image/png", "image/gif", None]
    assert input_images(None) == ()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("no-such-file.png", "No image file at no-such-file.png: check the path."),
        (
            b"%PDF-1.7 not an image",
            r"the image \(bytes\) is not a PNG, JPEG, WebP or GIF image \(it starts with b'%PDF-1.7'\)",
        ),
        (b"", r"the image \(bytes\) is not a PNG, JPEG, WebP or GIF image \(it is empty\)"),
        ([], r"image= is an empty list: give at least one image, or leave it out."),
        ([PNG] * (MAX_IMAGES + 1), f"image= has {MAX_IMAGES + 1} images; at most {MAX_IMAGES} go in one call."),
        ([PNG, b"text"], r"image 2 \(bytes\) is not a PNG"),
        (42, "image= takes a file's path, bytes, a binary file, a Pillow image, an hfimage Image or an http"),
        (io.StringIO("text"), r"the image is a file opened as text; open it in binary mode: open\(path, 'rb'\)."),
        ("https://user:pw@example.com/a.png", "image= got a URL hfimage will not fetch"),
        ("", "image= is an empty path"),
    ],
    ids=[
        "missing",
        "not-an-image",
        "empty",
        "empty-list",
        "too-many",
        "second-bad",
        "number",
        "text-file",
        "url-with-password",
        "empty-path",
    ],
)
def test_a_bad_image_is_refused_naming_it_and_what_is_wrong(given, message):
    with pytest.raises(InvalidRequestError, match=message) as caught:
        input_images(given)
    assert "pw@" not in str(caught.value)


def test_a_folder_or_a_text_file_named_like_an_image_is_refused(tmp_path):
    with pytest.raises(InvalidRequestError, match=f"{tmp_path} is a folder; give an image file's path."):
        input_images(tmp_path)
    fake = tmp_path / "cat.png"
    fake.write_text("not really a picture")
    with pytest.raises(InvalidRequestError, match=rf"{fake} is not a PNG, JPEG, WebP or GIF image"):
        input_images(fake)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "secret.png"
    path.write_bytes(PNG)
    path.chmod(0)
    with pytest.raises(InvalidRequestError, match=f"Cannot read the image {path}: Permission denied"):
        input_images(path)


def opened(data):
    return lambda: io.BytesIO(data)


def test_a_form_is_streamed_with_its_exact_length_and_read_afresh_each_time():
    parts = [FilePart("files", 'we"ird\r\nname.png', "image/png", len(PNG), opened(PNG), "a"),
             FilePart("files", "b.gif", "image/gif", 3, opened(b"GIF"), "b")]  # fmt: skip
    form = Form(parts)
    body = b"".join(form)
    assert len(body) == len(form)
    assert b"".join(form) == body
    assert _form_files(form.content_type, body) == [
        ("files", "we ird  name.png", "image/png", PNG),
        ("files", "b.gif", "image/gif", b"GIF"),
    ]


def test_a_form_refuses_to_send_a_file_that_changed_size_since_it_was_checked():
    form = Form([FilePart("files", "a.png", "image/png", len(PNG) + 5, opened(PNG), "photo.png")])
    with pytest.raises(
        InvalidRequestError, match=rf"photo.png changed while it was being sent: it had {len(PNG) + 5} bytes"
    ):
        b"".join(form)


EDITORS = ("black-forest-labs/FLUX.1-Kontext-Dev", "Qwen/Qwen-Image-Edit")


def test_a_call_with_an_image_and_no_model_plans_the_editing_chain():
    with hfimage.Client(cache=False) as client:
        plan = client.plan("make it night", image=PNG)
        assert [(provider.name, model) for provider, model, _ in plan.steps] == [
            (EDITORS[0], "flux-kontext"), (EDITORS[1], "qwen-image-edit")
        ]  # fmt: skip
        assert plan.request.image[0].size == len(PNG)
        assert "Kontext" not in " ".join(provider.name for provider, _, _ in client.plan("a cat").steps)


def test_a_text_model_given_an_image_is_refused_naming_the_editing_models():
    with hfimage.Client(cache=False) as client, pytest.raises(InvalidRequestError) as caught:
        client.plan("make it night", model="flux", image=PNG)
    assert str(caught.value) == (
        "flux makes images from text; it takes no input image. To edit an image, use model= 'flux-kontext' or "
        "'qwen-image-edit', or leave model out: with image= hfimage picks an editing model."
    )


@pytest.mark.parametrize("chosen", [{"model": "qwen-image-edit"}, {"space": "black-forest-labs/FLUX.1-Kontext-Dev"}])
def test_an_editing_model_given_no_image_is_refused_naming_the_text_models(chosen):
    with hfimage.Client(cache=False) as client, pytest.raises(InvalidRequestError) as caught:
        client.plan("a cat", **chosen)
    name = chosen.get("model") or chosen["space"]
    assert str(caught.value) == (
        f"{name} edits an image: pass the image with image= (a file's path, bytes, a URL...). To make an image "
        "from text alone, use 'flux' or 'z-image-turbo' or 'sd-3.5-turbo', or leave model out."
    )


@pytest.mark.parametrize("space", ["Tongyi-MAI/Z-Image-Turbo", "ImageLabs", "BlackForestLabs_Flux1Schnell"])
def test_a_known_text_only_space_given_an_image_is_refused_before_anything_is_sent(space):
    with responses.RequestsMock(), hfimage.Client(cache=False) as client, pytest.raises(InvalidRequestError) as caught:
        client.plan("make it night", space=space, image=PNG)
    assert "it takes no input image. To edit an image, use model= 'flux-kontext' or 'qwen-image-edit'" in str(
        caught.value
    )


def test_a_space_hfimage_knows_nothing_of_is_left_to_its_app_to_say():
    with hfimage.Client(cache=False) as client:
        plan = client.plan("make it night", space="someone/new-editor", image=PNG)
    assert [provider.name for provider, _, _ in plan.steps] == ["someone/new-editor"]


def test_the_command_line_refuses_a_missing_image_in_one_line_with_exit_2(tmp_path, capsys):
    import hfimage.cli

    assert hfimage.cli.main(["generate", "a cat", "--image", str(tmp_path / "gone.png"), "-q"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"hfimage: error: No image file at {tmp_path / 'gone.png'}: check the path."
    ]


def test_edit_has_generates_parameters_but_image_which_comes_first():
    import inspect

    for function in (hfimage.edit, hfimage.Client.edit, hfimage.aio.edit, hfimage.aio.Client.edit):
        names = [name for name in inspect.signature(function).parameters if name != "self"]
        assert names[:2] == ["image", "prompt"], function
        assert names.count("image") == 1
        assert set(names[2:]) == {"on_event", *(name for name in hfimage.parameters.PARAMETERS if name != "image")}


def test_pathlib_paths_and_os_pathlike_objects_are_both_paths(tmp_path):
    class Where(os.PathLike):
        def __fspath__(self):
            return str(tmp_path / "c.png")

    (tmp_path / "c.png").write_bytes(PNG)
    assert read_all(input_images(Where())[0]) == read_all(input_images(pathlib.PurePath(tmp_path / "c.png"))[0])
