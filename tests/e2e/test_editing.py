"""Editing against real Gradio apps (the current major, 5.49.1 and 4.44.1) with Image and Gallery inputs: the
stand-ins write down the pixels each job received (their SHA-256 and size), so every form of image is
checked pixel for pixel, on both routes."""

import hashlib
import io
import tracemalloc
import uuid

import pytest
from PIL import Image as PILImage

import hfimage
from hfimage import InvalidRequestError
from hfimage.testing import FakeSpace

from ..apps.spaces import SMALL_FILE_LIMIT

PICTURE = PILImage.new("RGB", (64, 48))
PICTURE.frombytes(bytes((x * 4 + y + channel * 50) % 256 for y in range(48) for x in range(64) for channel in range(3)))


def encoded(picture, kind="PNG", **options):
    buffer = io.BytesIO()
    picture.save(buffer, kind, **options)
    return buffer.getvalue()


PNG = encoded(PICTURE)
RECEIVED = {"size": [64, 48], "sha256": hashlib.sha256(PICTURE.tobytes()).hexdigest()}
"""What an app's job says it received of ``PICTURE``."""


@pytest.fixture(params=["gradio6", "gradio5", "gradio4"])
def gradio(request):
    """Editing is tested on every Gradio generation: the current one, 5.49.1 and 4.44.1."""
    return request.getfixturevalue(request.param)


def prompt():
    return f"make it night {uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def images_elsewhere():
    """A server on 127.0.0.1 (not the app) where the picture lives at a URL."""
    with FakeSpace() as server:
        server.files["/photos/picture.png"] = PNG
        yield f"{server.url}/gradio_api/file=/photos/picture.png"


FORMS = ["path", "bytes", "file object", "Pillow image", "URL", "earlier result"]


def form_of(name, tmp_path, url, client, gradio):
    if name in ("path", "file object"):
        (tmp_path / "photo.png").write_bytes(PNG)
        return tmp_path / "photo.png" if name == "path" else open(tmp_path / "photo.png", "rb")
    if name == "earlier result":  # made by another app: fetched from it, then uploaded
        return client.generate(prompt(), space=gradio.url["flux2"], image=PNG, width=256, height=256)
    return {"bytes": PNG, "Pillow image": PICTURE, "URL": url}[name]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_image_reaches_a_real_app_pixel_for_pixel(gradio, client_per_route, images_elsewhere, tmp_path,
                                                               form):  # fmt: skip
    given = form_of(form, tmp_path, images_elsewhere, client_per_route, gradio)
    asked = prompt()
    try:
        image = client_per_route.edit(given, asked, space=gradio.url["kontext"], seed=5)
    finally:
        if hasattr(given, "close") and not isinstance(given, PILImage.Image):
            given.close()
    (received,) = gradio.received(asked)
    if form == "earlier result":
        expected = {"size": [256, 256], "sha256": hashlib.sha256(given.to_pil().convert("RGB").tobytes()).hexdigest()}
    else:
        expected = RECEIVED
    assert received["input_image"] == expected
    assert (received["seed"], received["randomize_seed"], received["guidance_scale"], received["steps"]) == (
        5, False, 2.5, 28
    )  # fmt: skip
    width, height = expected["size"]
    assert (image.width, image.height) == (width // 2, height // 2)  # the app's own size, read from its image
    assert PILImage.open(io.BytesIO(image.content)).size == (image.width, image.height)


def test_an_edit_of_the_apps_own_result_needs_no_upload(gradio, client_per_route):
    first = client_per_route.edit(PNG, prompt(), space=gradio.url["kontext"])
    asked = prompt()
    second = client_per_route.edit(first, asked, space=gradio.url["kontext"])
    (received,) = gradio.received(asked)
    assert received["input_image"]["size"] == [32, 24]
    assert (second.width, second.height) == (16, 12)


def test_a_gallery_input_gets_every_image_in_order(gradio, client_per_route):
    other = PILImage.new("RGB", (20, 10), (250, 0, 0))
    asked = prompt()
    image = client_per_route.edit([PNG, other], asked, space=gradio.url["flux2"], width=256, height=320)
    (received,) = gradio.received(asked)
    assert received["input_images"] == [
        RECEIVED, {"size": [20, 10], "sha256": hashlib.sha256(other.tobytes()).hexdigest()}
    ]  # fmt: skip
    assert (image.width, image.height) == (256, 320)


def test_an_app_whose_result_is_a_gallery_gives_its_images_size(gradio, client_per_route):
    asked = prompt()
    image = client_per_route.edit(PNG, asked, space=gradio.url["qwen_edit"], guidance_scale=3.0, steps=8)
    (received,) = gradio.received(asked)
    assert (received["image"], received["true_guidance_scale"], received["num_inference_steps"]) == (RECEIVED, 3.0, 8)
    assert (image.width, image.height) == (128, 48)


def test_an_image_over_a_real_apps_limit_is_refused_before_any_upload(gradio):
    big = encoded(PILImage.effect_noise((64, 64), 100).convert("RGB"))
    assert len(big) > SMALL_FILE_LIMIT
    asked = prompt()
    with hfimage.Client(timeout=60) as client, pytest.raises(InvalidRequestError) as caught:
        client.edit(big, asked, space=gradio.url["kontext_small"])
    assert str(caught.value) == (
        f"the image (bytes) is {len(big)} bytes; {gradio.url['kontext_small']} takes files of at most "
        f"{SMALL_FILE_LIMIT} bytes. Send a smaller image (scale it down, or save it as JPEG)."
    )
    assert gradio.received(asked) == []


def test_edit_with_no_model_uses_the_editing_chain_by_the_catalogs_names(gradio, catalog_hub, tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(encoded(PICTURE, "JPEG", quality=95))
    asked = prompt()
    image = hfimage.Client(timeout=60).edit(photo, asked)
    (received,) = gradio.received(asked)
    assert (received["app"], received["input_image"]["size"]) == ("kontext", [64, 48])
    assert (image.model, image.provider) == ("flux-kontext", "black-forest-labs/FLUX.1-Kontext-Dev")
    assert (image.width, image.height) == (32, 24)


def test_a_large_upload_streams_from_disk(gradio, tmp_path):
    side = 3300
    noise = PILImage.frombytes(
        "RGB", (side, side), (bytes(range(256)) * (side * side * 3 // 256 + 1))[: side * side * 3]
    )
    path = tmp_path / "large.png"
    noise.save(path, compress_level=0)
    assert path.stat().st_size > 30 * 2**20
    asked = prompt()
    with hfimage.Client(timeout=120) as client:
        tracemalloc.start()
        try:
            image = client.edit(path, asked, space=gradio.url["kontext"])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert gradio.received(asked)[0]["input_image"]["size"] == [3300, 3300]
    assert (image.width, image.height) == (1650, 1650)
    assert peak < 16 * 2**20, f"peak Python memory {peak / 2**20:.1f} MiB while a 30 MiB image was uploaded"
