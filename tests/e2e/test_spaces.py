"""Today's spaces driven by id, URL and catalog name, against real Gradio servers (current major and 4.44.1).

Each stand-in (tests/apps/spaces.py) has its space's real signature and writes down the inputs
every job received, so these tests compare them with what hfimage meant to send.
"""

import io
import uuid

import pytest
from PIL import Image as PILImage

import hfimage
from hfimage import InvalidRequestError, Preview
from hfimage.testing import SIGNATURES

from ..helpers import close_to, colour_of, pixels


def prompt():
    """A prompt no other test uses, so the stand-ins' record of it is this test's alone."""
    return f"a lighthouse {uuid.uuid4().hex[:8]}"


def size_of(image):
    return PILImage.open(io.BytesIO(image.content)).size


def test_flux_dev_by_catalog_name(gradio, catalog_hub, client_per_route):
    asked = prompt()
    image = client_per_route.generate(
        asked, model="flux-dev", width=512, height=384, guidance_scale=2.5, steps=9, seed=5
    )
    assert gradio.received(asked) == [
        {"app": "flux_dev", "prompt": asked, "seed": 5, "randomize_seed": False, "width": 512, "height": 384,
         "guidance_scale": 2.5, "num_inference_steps": 9}
    ]  # fmt: skip
    assert (image.seed, image.model, image.provider) == (5, "flux-dev", "black-forest-labs/FLUX.1-dev")
    size, colour = pixels(image)
    assert size == (512, 384)
    assert close_to(colour, colour_of(asked))


def test_sd35_turbo_takes_the_catalogs_settings_and_reports_the_seed_the_app_used(
    gradio, catalog_hub, client_per_route
):
    asked = prompt()
    image = client_per_route.generate(asked, model="sd-3.5-turbo", negative_prompt="fog", width=512, height=512)
    assert gradio.received(asked) == [
        {"app": "sd35_turbo", "prompt": asked, "negative_prompt": "fog", "seed": 0, "randomize_seed": True,
         "width": 512, "height": 512, "guidance_scale": 0.0, "num_inference_steps": 4}
    ]  # fmt: skip
    assert image.seed == 777  # what the app says it used


def test_qwen_image_gets_the_nearest_aspect_ratio_choice(gradio, catalog_hub, client_per_route):
    asked = prompt()
    image = client_per_route.generate(asked, model="qwen-image", width=1500, height=1200, seed=2)
    (received,) = gradio.received(asked)
    assert received["aspect_ratio"] == "4:3"
    assert (received["guidance_scale"], received["num_inference_steps"], received["prompt_enhance"]) == (4, 50, True)
    assert (image.width, image.height) == (1472, 1140)


def test_tongyi_z_image_gallery_previews_and_seed(gradio, catalog_hub, client_per_route):
    asked = prompt()
    events = list(
        client_per_route.stream(asked, space="Tongyi-MAI/Z-Image-Turbo", aspect_ratio="16:9", steps=5, seed=8)
    )
    (received,) = gradio.received(asked)
    assert received == {"app": "z_image", "prompt": asked, "resolution": "1280x720 ( 16:9 )", "seed": 8, "steps": 5,
                        "shift": 3, "random_seed": False, "gallery_images": None}  # fmt: skip
    final = events[-1]
    assert (final.seed, final.width, final.height, final.model) == (8, 1280, 720, "z-image-turbo")
    size, colour = pixels(final)
    assert size == (1280, 720)
    assert close_to(colour, colour_of(asked))
    previews = [event for event in events if isinstance(event, Preview)]
    if client_per_route.protocol == "queue":
        assert len(previews) == 1
        assert close_to(pixels(previews[0])[1], colour_of(asked, 0.5))


def test_mrfakename_z_image_takes_height_before_width(gradio, catalog_hub, client_per_route):
    asked = prompt()
    image = client_per_route.generate(
        asked, model="z-image-turbo", provider="mrfakename/Z-Image-Turbo", width=640, height=384
    )
    (received,) = gradio.received(asked)
    assert (received["height"], received["width"], received["num_inference_steps"]) == (384, 640, 9)
    assert size_of(image) == (640, 384)


def test_kolors_optional_image_input_is_left_empty(gradio, catalog_hub, client_per_route):
    asked = prompt()
    image = client_per_route.generate(asked, space="Kwai-Kolors/Kolors", width=256, height=256, seed=1)
    (received,) = gradio.received(asked)
    assert received["ip_adapter_image"] is None
    assert (received["ip_adapter_scale"], received["negative_prompt"], received["seed"]) == (0.5, "", 1)
    assert image.seed == 1  # the app returns no seed: the one sent


def test_a_space_by_url_needs_no_hub(gradio, client_per_route):
    asked = prompt()
    image = client_per_route.generate(asked, space=gradio.url["flux_dev"], width=256, height=256)
    assert gradio.received(asked)[0]["app"] == "flux_dev"
    assert image.provider == gradio.url["flux_dev"]


@pytest.mark.parametrize(
    ("space", "message"),
    [
        ("someone/image-editor", "someone/image-editor edits images: /edit needs an input image in '(param_0|image)'"),
        ("someone/unnamed", "has no named API endpoint hfimage can read"),
    ],
)
def test_an_app_hfimage_cannot_drive_gets_no_job(gradio, catalog_hub, space, message):
    with hfimage.Client(timeout=60) as client, pytest.raises(InvalidRequestError, match=message):
        client.generate(prompt(), space=space)


def test_inspect_shows_the_mapping_of_a_real_app(gradio, catalog_hub):
    description = hfimage.Client().inspect("Tongyi-MAI/Z-Image-Turbo")
    assert description.gradio_version == gradio.version
    assert description.endpoint == "/generate"
    assert [spec.name for spec in description.inputs] == [
        "prompt", "resolution", "seed", "steps", "shift", "random_seed", "gallery_images"
    ]  # fmt: skip
    # the real app's resolutions, as the catalog has them (the stand-in is built from its entry)
    assert description.inputs[1].choices[:3] == ("1024x1024 ( 1:1 )", "1152x896 ( 9:7 )", "896x1152 ( 7:9 )")
    assert description.inputs[1].choices == SIGNATURES["Tongyi-MAI/Z-Image-Turbo"].inputs[1].choices
    assert description.cannot_take == ("negative_prompt", "guidance_scale", "image")
