"""Mapping hfimage's parameters onto an app's named inputs, from literal /config and /info documents."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfimage import InvalidRequestError
from hfimage._core.request import build_request
from hfimage._protocols.gradio.api_info import with_names
from hfimage._protocols.gradio.app import parse_config
from hfimage._protocols.gradio.binding import choose
from hfimage._protocols.gradio.filling import fill
from hfimage.errors import HFImageError
from hfimage.testing import SIGNATURES, Input, Signature, app_config, app_info

ROOT = "http://127.0.0.1:9"


# /info as Gradio 6.31 wrote it for a Z-Image-shaped app (parameters trimmed of their long "type" schemas).
Z_IMAGE_INFO = {
    "named_endpoints": {
        "/generate": {
            "parameters": [
                {"label": "Prompt", "parameter_name": "prompt", "parameter_has_default": False,
                 "parameter_default": None, "type": {"type": "string"}, "component": "Textbox"},
                {"label": "Resolution", "parameter_name": "resolution", "parameter_has_default": True,
                 "parameter_default": "1024x1024 ( 1:1 )",
                 "type": {"type": "string", "enum": ["1024x1024 ( 1:1 )", "1280x720 ( 16:9 )"]},
                 "component": "Dropdown"},
                {"label": "Seed", "parameter_name": "seed", "parameter_has_default": True, "parameter_default": 42,
                 "type": {"type": "integer"}, "component": "Number"},
                {"label": "Steps", "parameter_name": "steps", "parameter_has_default": True, "parameter_default": 8,
                 "type": {"type": "number"}, "component": "Slider"},
                {"label": "Shift", "parameter_name": "shift", "parameter_has_default": True, "parameter_default": 3,
                 "type": {"type": "number"}, "component": "Slider"},
                {"label": "Random", "parameter_name": "random_seed", "parameter_has_default": True,
                 "parameter_default": True, "type": {"type": "boolean"}, "component": "Checkbox"},
                {"label": "Gallery", "parameter_name": "gallery_images", "parameter_has_default": True,
                 "parameter_default": [], "type": {"type": "array"}, "component": "Gallery"},
            ],
            "returns": [{"label": "Gallery", "component": "Gallery"}, {"label": "seed text", "component": "Textbox"},
                        {"label": "seed int", "component": "Number"}],
        },
        "/lambda": {
            "parameters": [
                {"label": "in", "parameter_name": "a", "parameter_has_default": False, "parameter_default": None,
                 "type": {}, "component": "Image"},
                {"label": "y", "parameter_name": "y", "parameter_has_default": False, "parameter_default": None,
                 "type": {"type": "string"}, "component": "Textbox"},
            ],
            "returns": [{"label": "seed int", "component": "Number"}],
        },
    },
    "unnamed_endpoints": {},
}  # fmt: skip


# ... and the /config parts that matter: components (a State among them) and dependencies.
Z_IMAGE_CONFIG = {
    "version": "6.31.0",
    "api_prefix": "/gradio_api",
    "protocol": "sse_v3",
    "components": [
        {"id": 1, "type": "textbox", "props": {"label": "Prompt"}, "skip_api": False},
        {"id": 2, "type": "dropdown", "skip_api": False, "props": {
            "choices": [["1024x1024 ( 1:1 )", "1024x1024 ( 1:1 )"], ["1280x720 ( 16:9 )", "1280x720 ( 16:9 )"]],
            "value": "1024x1024 ( 1:1 )"}},
        {"id": 3, "type": "number", "props": {"value": 42, "step": 1}, "skip_api": False},
        {"id": 4, "type": "slider", "props": {"minimum": 1, "maximum": 20, "value": 8, "step": 1}, "skip_api": False},
        {"id": 5, "type": "slider", "props": {"minimum": 1, "maximum": 10, "value": 3, "step": 0.1}, "skip_api": False},
        {"id": 6, "type": "checkbox", "props": {"value": True}, "skip_api": False},
        {"id": 7, "type": "gallery", "props": {"value": []}, "skip_api": False},
        {"id": 8, "type": "state", "props": {}, "skip_api": True},
        {"id": 9, "type": "image", "props": {}, "skip_api": False},
        {"id": 10, "type": "textbox", "props": {}, "skip_api": False},
        {"id": 11, "type": "number", "props": {}, "skip_api": False},
    ],
    "dependencies": [
        {"id": 0, "api_name": "generate", "inputs": [1, 2, 3, 4, 5, 6, 7], "outputs": [7, 10, 11], "queue": True},
        {"id": 1, "api_name": "lambda", "inputs": [9, 8, 1], "outputs": [11], "queue": True},
    ],
}  # fmt: skip


def z_image():
    return with_names(parse_config(ROOT, Z_IMAGE_CONFIG), Z_IMAGE_INFO, "Z")


def app(*inputs, api_name="infer", outputs=("image", "number")):
    signature = Signature(api_name, tuple(inputs), outputs)
    return with_names(parse_config(ROOT, app_config(signature)), app_info(signature), "P")


def send(space, provider="P", endpoint=None, defaults=None, **params):
    binding = choose(space, provider, endpoint, defaults or {})
    filled = fill(binding, build_request("a cat", **params), provider, defaults=defaults or {})
    return binding, filled, filled.named(binding)


def test_the_real_info_document_names_the_config_inputs_and_picks_the_generate_endpoint():
    binding, filled, sent = send(z_image(), seed=7)
    assert binding.api_name == "generate"
    assert sent == {"prompt": "a cat", "resolution": "1024x1024 ( 1:1 )", "seed": 7, "steps": 8, "shift": 3,
                    "random_seed": False, "gallery_images": []}  # fmt: skip
    assert (filled.width, filled.height, filled.seed) == (1024, 1024, 7)
    assert binding.takes == ("width", "height", "aspect_ratio", "steps", "seed")


def test_an_input_gradio_fills_itself_is_sent_as_none_in_its_place():
    space = z_image()
    endpoint = space.endpoints["lambda"]
    assert [spec.name for spec in endpoint.inputs] == ["a", None, "y"]
    assert [spec.hidden for spec in endpoint.inputs] == [False, True, False]


def test_without_a_seed_the_apps_randomize_input_is_true():
    _, filled, sent = send(z_image())
    assert sent["random_seed"] is True
    assert sent["seed"] == 42  # the app's default, ignored by the app when it randomizes
    assert filled.seed is None


@pytest.mark.parametrize(
    ("names", "given", "expected"),
    [
        (("prompt", "steps"), {"steps": 9}, {"steps": 9}),
        (("text_prompt", "num_inference_steps"), {"steps": 9}, {"text_prompt": "a cat", "num_inference_steps": 9}),
        (("prompt", "cfg"), {"guidance_scale": 2.5}, {"cfg": 2.5}),
        (("prompt", "cfg_scale"), {"guidance_scale": 2.5}, {"cfg_scale": 2.5}),
        (("prompt", "true_guidance_scale"), {"guidance_scale": 2.5}, {"true_guidance_scale": 2.5}),
        (("prompt", "negative"), {"negative_prompt": "dogs"}, {"negative": "dogs"}),
        (("Prompt", "Negative_Prompt"), {"negative_prompt": "dogs"}, {"Prompt": "a cat", "Negative_Prompt": "dogs"}),
    ],
)
def test_parameters_reach_inputs_by_any_of_the_names_apps_use(names, given, expected):
    kinds = {"steps": "slider", "num_inference_steps": "slider", "cfg": "slider", "cfg_scale": "slider",
             "true_guidance_scale": "slider"}  # fmt: skip
    space = app(*(Input(name, kinds.get(name, "textbox"), 1 if name in kinds else None) for name in names))
    _, _, sent = send(space, **given)
    assert {name: sent[name] for name in expected} == expected


def test_random_seed_is_the_randomize_input_of_apps_that_call_it_so():
    space = app(Input("prompt", "textbox"), Input("seed", "number", 1), Input("random_seed", "checkbox", False))
    assert send(space)[2] == {"prompt": "a cat", "seed": 1, "random_seed": True}
    assert send(space, seed=3)[2] == {"prompt": "a cat", "seed": 3, "random_seed": False}


def test_an_app_without_a_randomize_input_gets_a_random_seed_within_its_limits_and_reports_it():
    space = app(Input("prompt", "textbox"), Input("seed", "slider", 0, 0, 10))
    seeds = {send(space)[1].seed for _ in range(60)}
    assert seeds <= set(range(11))
    assert len(seeds) > 3
    _, filled, sent = send(space)
    assert sent["seed"] == filled.seed


def test_an_input_named_like_no_role_keeps_the_apps_default():
    signature = SIGNATURES["Qwen/Qwen-Image"]
    _, _, sent = send(app(*signature.inputs), steps=20)
    assert sent["prompt_enhance"] is True
    assert sent["num_inference_steps"] == 20
    assert sent["guidance_scale"] == 4.0


def test_sd35s_negative_prompt_is_fillable_though_gradio_lists_it_without_a_default():
    space = app(*SIGNATURES["stabilityai/stable-diffusion-3.5-large"].inputs)
    assert send(space)[2]["negative_prompt"] == ""
    assert send(space, negative_prompt="blur")[2]["negative_prompt"] == "blur"


def test_height_before_width_is_filled_by_name_not_by_position():
    _, filled, sent = send(app(*SIGNATURES["mrfakename/Z-Image-Turbo"].inputs, api_name="generate_image"),
                           width=1024, height=512)  # fmt: skip
    assert list(sent)[1:3] == ["height", "width"]
    assert (sent["height"], sent["width"]) == (512, 1024) == (filled.height, filled.width)


@pytest.mark.parametrize(
    ("params", "choice", "size"),
    [
        ({}, "1024x1024 ( 1:1 )", (1024, 1024)),
        ({"aspect_ratio": "16:9"}, "1280x720 ( 16:9 )", (1280, 720)),
        ({"aspect_ratio": "9:16"}, "720x1280 ( 9:16 )", (720, 1280)),
        ({"width": 1200, "height": 900}, "1152x864 ( 4:3 )", (1152, 864)),
        ({"width": 500, "height": 1300}, "576x1344 ( 9:21 )", (576, 1344)),
        ({"width": 1024}, "1024x1024 ( 1:1 )", (1024, 1024)),
    ],
)
def test_a_size_choice_gets_the_choice_nearest_to_what_was_asked_and_reports_its_pixels(params, choice, size):
    _, filled, sent = send(app(*SIGNATURES["Tongyi-MAI/Z-Image-Turbo"].inputs, api_name="generate"), **params)
    assert sent["resolution"] == choice
    assert (filled.width, filled.height) == size


def test_ratio_choices_are_matched_by_ratio_and_sized_from_known_pixels():
    space = app(*SIGNATURES["Qwen/Qwen-Image"].inputs)
    binding = choose(space, "Q")
    qwen_sizes = {"4:3": (1472, 1140), "16:9": (1664, 928)}
    filled = fill(binding, build_request("a cat", width=1600, height=1200), "Q", sizes=qwen_sizes)
    assert filled.named(binding)["aspect_ratio"] == "4:3"
    assert (filled.width, filled.height) == (1472, 1140)
    default = fill(binding, build_request("a cat"), "Q", sizes=qwen_sizes)
    assert default.named(binding)["aspect_ratio"] == "16:9"  # the app's own default choice
    assert (default.width, default.height) == (1664, 928)


def test_settings_apply_where_the_caller_is_silent_and_the_caller_wins():
    binding = choose(app(*SIGNATURES["stabilityai/stable-diffusion-3.5-large-turbo"].inputs), "T")
    turbo = {"steps": 4, "guidance_scale": 0.0}
    quiet = fill(binding, build_request("a cat"), "T", settings=turbo).named(binding)
    assert (quiet["num_inference_steps"], quiet["guidance_scale"]) == (4, 0.0)
    loud = fill(binding, build_request("a cat", steps=9, guidance_scale=2), "T", settings=turbo).named(binding)
    assert (loud["num_inference_steps"], loud["guidance_scale"]) == (9, 2.0)


def test_defaults_set_inputs_by_the_apps_own_names():
    _, _, sent = send(app(*SIGNATURES["Tongyi-MAI/Z-Image-Turbo"].inputs, api_name="generate"), defaults={"shift": 5})
    assert sent["shift"] == 5


def test_an_optional_image_input_is_sent_empty():
    _, _, sent = send(app(*SIGNATURES["Kwai-Kolors/Kolors"].inputs, outputs=("image",)))
    assert sent["ip_adapter_image"] is None
    assert sent["ip_adapter_scale"] == 0.5


def test_a_parameter_the_app_has_no_input_for_is_refused_naming_its_inputs():
    with pytest.raises(InvalidRequestError) as caught:
        send(app(*SIGNATURES["black-forest-labs/FLUX.1-dev"].inputs), provider="FLUX.1-dev", negative_prompt="dogs")
    assert str(caught.value) == (
        "FLUX.1-dev has no input for negative_prompt: /infer takes prompt (textbox), seed (slider), randomize_seed "
        "(checkbox), width (slider), height (slider), guidance_scale (slider), num_inference_steps (slider). "
        "Leave it out, or pick another space."
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"width": 128}, "P takes width from 256 to 2048; got 128."),
        ({"steps": 51}, "P takes num_inference_steps from 1 to 50; got 51."),
        ({"seed": 2**31}, "P takes seed from 0 to 2147483647; got 2147483648."),
    ],
)
def test_values_outside_the_apps_limits_are_refused_before_sending(params, message):
    with pytest.raises(InvalidRequestError) as caught:
        send(app(*SIGNATURES["black-forest-labs/FLUX.1-schnell"].inputs), **params)
    assert str(caught.value) == message


def test_a_fixed_value_outside_the_apps_choices_is_refused():
    space = app(*SIGNATURES["Qwen/Qwen-Image"].inputs)
    with pytest.raises(InvalidRequestError, match=r"P takes aspect_ratio among '1:1', '16:9'.*; got '5:1'"):
        send(space, defaults={"aspect_ratio": "5:1"})


def test_defaults_naming_an_input_the_app_does_not_have_are_refused():
    with pytest.raises(InvalidRequestError, match="defaults= names 'shfit', but /generate has no such input"):
        send(app(*SIGNATURES["Tongyi-MAI/Z-Image-Turbo"].inputs, api_name="generate"), defaults={"shfit": 5})


def test_an_endpoint_that_needs_an_input_image_is_chosen_only_for_a_call_with_images():
    image_to_image = Signature("img2img", (Input("image", "image"), Input("prompt", "textbox")))
    space = with_names(parse_config(ROOT, app_config(image_to_image)), app_info(image_to_image), "P")
    with pytest.raises(InvalidRequestError) as caught:
        choose(space, "P", images=False)
    assert str(caught.value) == (
        "P edits images: /img2img needs an input image in 'image'. Pass one with image= (a file's path, bytes, "
        "a URL...), or pick a text-to-image space."
    )
    with pytest.raises(InvalidRequestError) as caught:
        choose(space, "P", "/img2img", images=False)
    assert str(caught.value) == (
        "P: /img2img needs an input image in 'image' (image=), so hfimage cannot call it without an image. "
        "Its inputs: image (image), prompt (textbox)."
    )
    for images in (True, None):
        binding = choose(space, "P", images=images)
        assert (binding.api_name, binding.slot("image").spec.name, binding.needs_image) == ("img2img", "image", True)


def test_a_call_with_images_passes_over_endpoints_without_an_image_input():
    signature = Signature("predict", (Input("prompt", "textbox"),))
    config = app_config(signature)
    config["components"] += [{"id": 20, "type": "gallery", "props": {}}, {"id": 21, "type": "textbox", "props": {}}]
    config["dependencies"] += [{"id": 1, "api_name": "edit", "inputs": [20, 21], "outputs": []}]
    info = app_info(signature)
    info["named_endpoints"]["/edit"] = {"parameters": [{"parameter_name": "images"}, {"parameter_name": "prompt"}]}
    space = with_names(parse_config(ROOT, config), info, "P")
    assert choose(space, "P").api_name == "predict"
    assert choose(space, "P", images=False).api_name == "predict"
    assert choose(space, "P", images=True).api_name == "edit"
    del space.endpoints["edit"]
    with pytest.raises(InvalidRequestError) as caught:
        choose(space, "P", images=True)
    assert str(caught.value).startswith(
        "P has no endpoint hfimage can drive for editing an image: /predict takes no input image."
    )


def test_a_gallery_the_endpoint_also_writes_is_its_history_not_an_image_input():
    z_image = SIGNATURES["Tongyi-MAI/Z-Image-Turbo"]  # its result gallery is passed back in as gallery_images
    history = with_names(parse_config(ROOT, app_config(z_image)), app_info(z_image), "P")
    assert choose(history, "P").slot("image") is None
    assert "image" not in choose(history, "P").takes
    inputs = tuple(dataclasses.replace(spec, also_output=False) for spec in z_image.inputs)
    apart = dataclasses.replace(z_image, inputs=inputs)
    references = with_names(parse_config(ROOT, app_config(apart)), app_info(apart), "P")
    assert choose(references, "P").slot("image").spec.name == "gallery_images"
    assert "image" in choose(references, "P").takes


def test_an_endpoint_that_needs_a_token_is_refused():
    space = app(Input("prompt", "textbox"), Input("hf_token", "textbox"))
    space = with_names(space, {"named_endpoints": {"/infer": {"parameters": [
        {"parameter_name": "prompt", "component": "Textbox"}, {"parameter_name": "hf_token", "component": "Textbox"},
    ]}}}, "P")  # fmt: skip
    with pytest.raises(InvalidRequestError, match="/infer 'hf_token' needs a token or key"):
        choose(space, "P")


def test_the_preferred_endpoint_wins_and_an_unusable_one_is_passed_over():
    signature = Signature("img2img", (Input("image", "image"), Input("prompt", "textbox")))
    config = app_config(signature)
    config["components"] += [{"id": 20, "type": "textbox", "props": {}}, {"id": 21, "type": "slider", "props": {}}]
    config["dependencies"] += [
        {"id": 1, "api_name": "make_picture", "inputs": [20, 21], "outputs": []},
        {"id": 2, "api_name": "predict", "inputs": [20], "outputs": []},
    ]
    info = app_info(signature)
    info["named_endpoints"]["/make_picture"] = {"parameters": [{"parameter_name": "text"}, {"parameter_name": "steps"}]}
    info["named_endpoints"]["/predict"] = {"parameters": [{"parameter_name": "prompt"}]}
    space = with_names(parse_config(ROOT, config), info, "P")
    assert choose(space, "P", images=False).api_name == "predict"
    del space.endpoints["predict"]
    binding = choose(space, "P", images=False)
    assert binding.api_name == "make_picture"
    assert binding.slot("prompt").spec.name == "text"  # the first free text box, when none is named like a prompt


def test_an_app_with_only_unnamed_endpoints_is_refused_saying_so():
    config = app_config(SIGNATURES["black-forest-labs/FLUX.1-schnell"])
    config["dependencies"][0]["api_name"] = None
    space = with_names(parse_config(ROOT, config), {"named_endpoints": {}, "unnamed_endpoints": {"0": {}}}, "P")
    with pytest.raises(InvalidRequestError, match="P has no named API endpoint hfimage can read"):
        choose(space, "P")


def test_an_unknown_endpoint_name_is_refused_listing_the_apps():
    with pytest.raises(InvalidRequestError, match=r"P has no API endpoint '/infer' \(it offers /generate, /lambda\)"):
        choose(z_image(), "P", "/infer")


components = st.sampled_from(["textbox", "slider", "number", "checkbox", "dropdown", "image", "gallery", "state", "x"])

names = st.sampled_from(["prompt", "seed", "steps", "width", "height", "random_seed", "resolution", "cfg", "token", ""])

values = st.none() | st.integers(-5, 5000) | st.floats(allow_nan=True) | st.text(max_size=12) | st.booleans()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(components, names, values, values, st.lists(values, max_size=3)), max_size=8),
       st.integers(1, 4096), st.one_of(st.none(), st.integers(0, 10)))  # fmt: skip
def test_any_app_of_named_inputs_is_driven_or_refused_with_a_typed_error(inputs, width, seed):
    config = {
        "components": [
            {"id": index, "type": kind, "props": {"value": value, "minimum": low, "choices": choices}}
            for index, (kind, _, value, low, choices) in enumerate(inputs)
        ],
        "dependencies": [{"id": 0, "api_name": "infer", "inputs": list(range(len(inputs)))}],
    }
    info = {"named_endpoints": {"/infer": {"parameters": [{"parameter_name": name} for _, name, *_ in inputs]}}}
    try:
        space = with_names(parse_config(ROOT, config), info, "P")
        binding = choose(space, "P")
        filled = fill(binding, build_request("a cat", width=width, height=width, seed=seed), "P")
    except HFImageError:
        return
    assert len(filled.values) == len(inputs)
    assert filled.values[[slot.role for slot in binding.slots].index("prompt")] == "a cat"
