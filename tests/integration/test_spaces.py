"""Any Gradio space by its id or URL, found through a fake Hub, driven by its app's own names."""

import json

import pytest
import requests

import hfimage
import hfimage.aio
from hfimage import (
    AllProvidersFailedError,
    AuthenticationError,
    InvalidRequestError,
    NotAGradioSpaceError,
    Space,
    SpaceNotFoundError,
    SpaceNotRunningError,
)
from hfimage.testing import SIGNATURES, FakeSpace, Input, Signature, error, prompt_colour

from ..helpers import run_hfimage

Z_IMAGE = "Tongyi-MAI/Z-Image-Turbo"

TOKEN = "hf_spacetoken123"


@pytest.fixture
def z_image(fake_hub):
    with FakeSpace(signature=SIGNATURES[Z_IMAGE]) as space:
        fake_hub.add(Z_IMAGE, space.url)
        yield space


def routes(fake):
    return [request.route for request in fake.requests]


def test_a_space_named_by_id_is_found_through_the_hub_and_driven_by_its_names(api, fake_hub, z_image):
    image = api.generate("a cat", space=Z_IMAGE, aspect_ratio="16:9", steps=6, seed=11)
    assert z_image.received == [
        {"prompt": "a cat", "resolution": "1280x720 ( 16:9 )", "seed": 11, "steps": 6, "shift": 3.0,
         "random_seed": False, "gallery_images": []}
    ]  # fmt: skip
    assert (image.seed, image.width, image.height) == (11, 1280, 720)
    assert (image.provider, image.model) == (Z_IMAGE, "z-image-turbo")
    assert image.content == z_image.files[next(iter(z_image.files))]
    assert routes(fake_hub) == [f"/api/spaces/{Z_IMAGE}"]


def test_the_hub_and_the_apps_description_are_read_once_per_client(fake_hub, z_image):
    with hfimage.Client() as client:
        for _ in range(3):
            client.generate("a cat", space=Z_IMAGE)
    assert routes(fake_hub) == [f"/api/spaces/{Z_IMAGE}"]
    assert routes(z_image).count("/config") == 1
    assert routes(z_image).count("/gradio_api/info") == 1
    assert routes(z_image).count("/gradio_api/queue/join") == 3


def test_a_space_by_url_needs_no_hub(api, fake_hub):
    with FakeSpace(signature=SIGNATURES["mrfakename/Z-Image-Turbo"]) as space:
        image = api.generate("a cat", space=space.url, width=768, height=512)
    assert space.received[0]["height"] == 512
    assert space.received[0]["width"] == 768
    assert (image.width, image.height, image.provider) == (768, 512, space.url)
    assert fake_hub.requests == []


def test_space_ids_fall_back_from_one_to_the_next_like_providers(api, fake_hub, z_image):
    with FakeSpace(signature=SIGNATURES["black-forest-labs/FLUX.1-schnell"]) as flux:
        fake_hub.add("black-forest-labs/FLUX.1-schnell", flux.url)
        z_image.script([error({"error": "CUDA out of memory"})])
        image = api.generate("a fox", provider=[Z_IMAGE, "black-forest-labs/FLUX.1-schnell"], seed=3)
    assert image.provider == "black-forest-labs/FLUX.1-schnell"
    assert [attempt.provider for attempt in image.attempts] == [Z_IMAGE, "black-forest-labs/FLUX.1-schnell"]
    assert flux.received[0]["seed"] == 3
    assert flux.received[0]["randomize_seed"] is False


def test_a_catalog_model_runs_on_its_spaces_by_name(api, fake_providers):
    image = api.generate("a cat", model="qwen-image", aspect_ratio="3:4")
    qwen = fake_providers.spaces["Qwen/Qwen-Image"]
    assert qwen.received[0]["aspect_ratio"] == "3:4"
    assert (image.width, image.height) == (1140, 1472)  # Qwen's own size for 3:4, from the catalog
    assert image.model == "qwen-image"


def test_a_catalog_spaces_settings_apply_where_the_caller_is_silent(fake_providers):
    hfimage.generate("a cat", model="sd-3.5-turbo", negative_prompt="blur")
    sent = fake_providers.spaces["stabilityai/stable-diffusion-3.5-large-turbo"].received[0]
    assert (sent["num_inference_steps"], sent["guidance_scale"], sent["negative_prompt"]) == (4, 0.0, "blur")


def test_the_default_chain_moves_to_the_next_model_and_says_which_made_the_image(fake_providers):
    for flux in (fake_providers.flux, fake_providers.voodoohop):
        flux.script([error({"error": "no GPU"})])
    image = hfimage.generate("a cat")
    assert image.model == "z-image-turbo"
    assert image.provider == Z_IMAGE
    assert [attempt.provider for attempt in image.attempts] == [
        "BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell", Z_IMAGE
    ]  # fmt: skip


def test_a_model_named_explicitly_never_falls_back_to_another_model(fake_providers):
    for flux in (fake_providers.flux, fake_providers.voodoohop):
        flux.script([error({"error": "no GPU"})])
    with pytest.raises(AllProvidersFailedError) as caught:
        hfimage.generate("a cat", model="flux")
    assert [attempt.provider for attempt in caught.value.attempts] == [
        "BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell"
    ]  # fmt: skip
    flux = (fake_providers.flux, fake_providers.voodoohop)
    assert all(space.requests == [] for space in fake_providers.spaces.values() if space not in flux)


def test_the_default_chain_skips_models_that_cannot_take_the_request(fake_providers):
    image = hfimage.generate("a cat", negative_prompt="dogs")
    assert image.model == "sd-3.5-turbo"
    assert fake_providers.flux.requests == []


def test_an_unknown_space_id_is_a_typed_error_and_nothing_reaches_any_app(api, fake_hub, z_image):
    with pytest.raises(SpaceNotFoundError) as caught:
        api.generate("a cat", space="nobody/nothing-here")
    assert str(caught.value) == (
        f"There is no space 'nobody/nothing-here' on {fake_hub.url} (or it is private and no token was given). "
        "Check the id on the space's page (owner/name)."
    )
    assert isinstance(caught.value, InvalidRequestError)
    assert z_image.requests == []


@pytest.mark.parametrize(
    ("stage", "says"),
    [
        ("PAUSED", "is paused by its owner"),
        ("STOPPED", "is stopped"),
        ("BUILD_ERROR", "failed to build"),
        ("RUNTIME_ERROR", "crashed"),
        ("BUILDING", "is being built"),
    ],
)
def test_a_space_that_is_not_running_says_which_and_the_app_gets_no_job(api, fake_hub, stage, says):
    with FakeSpace(signature=SIGNATURES[Z_IMAGE]) as space:
        fake_hub.add(Z_IMAGE, space.url, stage=stage)
        with pytest.raises(SpaceNotRunningError) as caught:
            api.generate("a cat", space=Z_IMAGE)
    assert caught.value.stage == stage
    assert str(caught.value).startswith(f"{Z_IMAGE} {says}")
    assert str(caught.value).endswith(f"(stage {stage}).")
    assert space.requests == []


def test_a_space_that_is_not_a_gradio_app_is_refused(api, fake_hub):
    fake_hub.add("someone/static-page", "http://127.0.0.1:9", sdk="static")
    with pytest.raises(NotAGradioSpaceError, match="someone/static-page is a static space, not a Gradio app"):
        api.generate("a cat", space="someone/static-page")


def test_a_private_space_without_a_token_says_how_to_give_one(fake_hub, z_image):
    fake_hub.add(Z_IMAGE, z_image.url, private=True, token=TOKEN)
    with pytest.raises(AuthenticationError) as caught:
        hfimage.generate("a cat", space=Z_IMAGE)
    assert "give a Hugging Face token that can see it, with token= " in str(caught.value)
    assert "HF_TOKEN" in str(caught.value)
    assert z_image.requests == []


def test_a_token_reaches_the_chosen_hub_but_not_a_space_off_hugging_face(fake_hub, z_image):
    fake_hub.add(Z_IMAGE, z_image.url, private=True, token=TOKEN)
    image = hfimage.generate("a cat", space=Z_IMAGE, token=TOKEN)
    assert image.provider == Z_IMAGE
    assert fake_hub.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert all(TOKEN not in json.dumps(dict(request.headers)) for request in z_image.requests)


def test_a_wrong_token_for_a_private_space_is_said_without_the_token(fake_hub, z_image):
    fake_hub.add(Z_IMAGE, z_image.url, private=True, token=TOKEN)
    with pytest.raises(AuthenticationError) as caught:
        hfimage.generate("a cat", space=Z_IMAGE, token="hf_wrongtoken999")
    assert "the token given cannot see it" in str(caught.value)
    assert "hf_wrongtoken999" not in repr(caught.value)


def test_an_editing_app_given_no_image_gets_no_job(api, fake_hub):
    edit = Signature("edit", (Input("image", "image"), Input("prompt", "textbox")))
    with FakeSpace(signature=edit) as space:
        fake_hub.add("someone/editor", space.url)
        with pytest.raises(
            InvalidRequestError,
            match=r"someone/editor edits images: /edit needs an input image in 'image'\. Pass one with image=",
        ):
            api.generate("a cat", space="someone/editor")
    assert routes(space) == ["/config", "/gradio_api/info"]


def test_a_parameter_the_space_has_no_input_for_is_refused_before_the_job(api, fake_hub):
    with FakeSpace(signature=SIGNATURES["black-forest-labs/FLUX.1-dev"]) as space:
        fake_hub.add("black-forest-labs/FLUX.1-dev", space.url)
        with pytest.raises(InvalidRequestError, match=r"black-forest-labs/FLUX\.1-dev does not take negative_prompt"):
            api.generate("a cat", space="black-forest-labs/FLUX.1-dev", negative_prompt="dogs")
    assert space.requests == []  # the catalog knows what it takes: nothing is even read


def test_a_space_instance_takes_an_endpoint_and_the_apps_own_defaults(fake_hub, z_image):
    image = hfimage.generate("a cat", provider=Space(Z_IMAGE, endpoint="/generate", defaults={"shift": 7}))
    assert z_image.received[0]["shift"] == 7
    assert image.provider == Z_IMAGE


CHANGED = Signature(
    "generate",
    (*SIGNATURES[Z_IMAGE].inputs, Input("quality", "slider", 5, 1, 10)),
    SIGNATURES[Z_IMAGE].outputs,
)


@pytest.mark.parametrize("protocol", ["queue", "call"])
def test_a_space_whose_inputs_change_is_read_again_and_sent_the_new_ones(fake_hub, z_image, protocol):
    with hfimage.Client(protocol=protocol) as client:
        client.generate("a cat", space=Z_IMAGE)
        z_image.signature = CHANGED
        image = client.generate("a dog", space=Z_IMAGE, steps=3)
    assert len(z_image.received[1]) == 7  # the job sent with what the client knew: refused by the app
    assert z_image.received[2] == {
        "prompt": "a dog", "resolution": "1024x1024 ( 1:1 )", "seed": 42, "steps": 3, "shift": 3.0,
        "random_seed": True, "gallery_images": [], "quality": 5,
    }  # fmt: skip
    assert image.provider == Z_IMAGE
    assert routes(z_image).count("/config") == 2


def test_a_space_that_changed_so_it_cannot_take_the_request_says_it_changed(fake_hub, z_image):
    with hfimage.Client() as client:
        client.generate("a cat", space=Z_IMAGE)
        z_image.signature = Signature("generate", SIGNATURES[Z_IMAGE].inputs[:3], SIGNATURES[Z_IMAGE].outputs)
        with pytest.raises(InvalidRequestError) as caught:
            client.generate("a dog", space=Z_IMAGE, steps=3)
    assert str(caught.value).startswith(f"{Z_IMAGE} changed since hfimage read it: {Z_IMAGE} has no input for steps")
    assert len(z_image.received) == 2  # nothing sent after the app was read again


def test_an_app_error_on_an_unchanged_space_is_not_retried(fake_hub, z_image):
    with hfimage.Client() as client:
        client.generate("a cat", space=Z_IMAGE)
        z_image.script([error({"error": "CUDA out of memory"})])
        with pytest.raises(hfimage.ProviderError, match="CUDA out of memory"):
            client.generate("a dog", space=Z_IMAGE)
    assert len(z_image.received) == 2


def test_inspect_shows_the_endpoint_and_what_feeds_each_input(api, fake_hub, z_image):
    description = api.inspect(Z_IMAGE)
    assert description.endpoint == "/generate"
    assert description.route == "queue"
    assert [(spec.name, spec.fed_by) for spec in description.inputs] == [
        ("prompt", "prompt"),
        ("resolution", "width/height/aspect_ratio (nearest choice)"),
        ("seed", "seed"),
        ("steps", "steps"),
        ("shift", None),
        ("random_seed", "seed (true when seed is None)"),
        ("gallery_images", None),
    ]
    assert description.takes == ("width", "height", "aspect_ratio", "steps", "seed")
    assert description.cannot_take == ("negative_prompt", "guidance_scale", "image")
    assert description.outputs == ("gallery", "textbox", "number")
    assert z_image.received == []


def test_a_models_name_is_inspected_as_its_first_space(fake_providers):
    description = hfimage.inspect("z-image-turbo")
    assert description.space == Z_IMAGE
    assert description.url == fake_providers.spaces[Z_IMAGE].url
    with pytest.raises(InvalidRequestError, match=r"'z-imag' is not a space id .* Did you mean the model 'z-image'"):
        hfimage.inspect("z-imag")


def test_hfimage_inspect_prints_the_mapping_and_json(fake_hub, z_image):
    text = run_hfimage("inspect", Z_IMAGE)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"{Z_IMAGE} ({z_image.url}, Gradio 6.31.0)"
    assert lines[1] == "endpoint /generate, by the queue route"
    assert lines[4].split() == ["prompt", "textbox", "-", "-", "prompt"]
    assert "shift" in lines[8]
    assert lines[8].endswith("the app's default")
    assert lines[-2] == "cannot take: negative_prompt, guidance_scale, image"
    as_json = run_hfimage("inspect", Z_IMAGE, "--json")
    parsed = json.loads(as_json.stdout)
    assert parsed["endpoint"] == "/generate"
    assert parsed["inputs"][1]["choices"][0] == "1024x1024 ( 1:1 )"


def test_hfimage_generates_with_a_space_by_id(fake_hub, z_image, tmp_path):
    result = run_hfimage("a red fox", "--space", Z_IMAGE, "--seed", "4", "-o", str(tmp_path / "fox.png"), "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fox.png").exists()
    assert z_image.received[0]["prompt"] == "a red fox"
    assert z_image.received[0]["seed"] == 4


def test_the_image_is_the_first_of_a_gallery_and_the_seed_may_come_as_text(fake_hub, z_image):
    gallery = [{"image": z_image.image(0, rgb=prompt_colour("x"))[0], "caption": None}]
    z_image.script([("complete", [gallery, "987", 987.0])])
    image = hfimage.generate("a cat", space=Z_IMAGE)
    assert image.seed == 987
    assert image.url.endswith(gallery[0]["image"]["path"])


def test_a_fake_hub_answers_as_the_hub_over_http(fake_hub):
    assert fake_hub.url.startswith("http://127.0.0.1:")
    missing = requests.get(f"{fake_hub.url}/api/spaces/owner/name", timeout=5)
    fake_hub.add("owner/name", "http://127.0.0.1:9", stage="PAUSED")
    record = requests.get(f"{fake_hub.url}/api/spaces/owner/name", timeout=5).json()
    assert missing.status_code == 404
    assert (record["host"], record["sdk"], record["runtime"]["stage"]) == ("http://127.0.0.1:9", "gradio", "PAUSED")


def test_an_app_that_takes_no_size_reports_the_size_of_the_image_it_made_downloaded_once():
    prompt_only = Signature("infer", (Input("prompt", "textbox"),), outputs=("image",))
    with FakeSpace(signature=prompt_only) as space:
        image = hfimage.generate("a cat", space=space.url)
        content = image.content
    assert (image.width, image.height) == (8, 8)  # what the fake makes, read from the image itself
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert [route for route in routes(space) if "/file=" in route] == [image.url.removeprefix(space.url)]
    assert space.received == [{"prompt": "a cat"}]
