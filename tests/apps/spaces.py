"""Gradio apps with the real spaces' signatures, for end-to-end tests.

Each stand-in of a space is built from that space's entry in hfimage's catalog
(``hfimage/_core/spaces.py``, read by path: the Gradio 4 environment does not have hfimage), so
the apps, the fakes and the library all know a space from one place.
Run as ``python spaces.py NAME=PORT ...``; prints ``READY`` once every app listens on 127.0.0.1.
Images are solid colours derived from the prompt, sized as requested, so tests can check them.
``slow`` and ``busy`` (one job at a time) sleep a tenth of a second per inference step.
The stand-ins of today's spaces (``flux_dev`` ... ``flux2``) append the inputs each job
received, by name, as one JSON line to the file named by ``HFIMAGE_ECHO_FILE``; an image as its
size and the SHA-256 of its RGB pixels. The editing stand-ins answer with an image of a size
derived from the input's, as real editing apps resize.
"""

import hashlib
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import gradio as gr
import numpy as np

MAX_SEED = 2**31 - 1
SMALL_FILE_LIMIT = 4096
"""The upload limit of ``kontext_small``, in bytes."""


def _catalog():
    path = Path(__file__).resolve().parents[2] / "hfimage" / "_core" / "spaces.py"
    spec = importlib.util.spec_from_file_location("hfimage_catalog_spaces", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the classes are made
    spec.loader.exec_module(module)
    return module.SPACES


SPACES = _catalog()


def _component(spec):
    """The Gradio component an input of the catalog declares."""
    label = spec.name.replace("_", " ").capitalize()
    if spec.component == "slider":
        return gr.Slider(label=label, minimum=spec.minimum, maximum=spec.maximum, step=spec.step, value=spec.default)
    if spec.component in ("dropdown", "radio"):
        kind = gr.Dropdown if spec.component == "dropdown" else gr.Radio
        return kind(label=label, choices=list(spec.choices), value=spec.default)
    made = {
        "textbox": lambda: gr.Textbox(label=label),
        "checkbox": lambda: gr.Checkbox(label=label, value=spec.default),
        "number": lambda: gr.Number(label=label, value=spec.default, precision=0),
        "gallery": lambda: gr.Gallery(label=label, type="pil"),
        "image": lambda: gr.Image(label=label, type="pil"),
    }
    return made[spec.component]()


_OUTPUTS = {
    "image": lambda: gr.Image(label="Result"),
    "number": lambda: gr.Number(label="Seed", precision=0),
    "gallery": lambda: gr.Gallery(label="Result"),
    "textbox": lambda: gr.Textbox(label="Seed used"),
    "button": lambda: gr.Button("Reuse this image", visible=False),
}


def _shared(shared, kind):
    """The input component an output of this kind is written to, if the endpoint writes one (then it is used)."""
    for position, made in enumerate(shared):
        if type(made).__name__.lower() == kind:
            return shared.pop(position)
    return None


def from_catalog(space_id, fn, concurrency_limit="default"):
    """An app with the endpoint the catalog declares for ``space_id``, served by ``fn``."""
    signature = SPACES[space_id].signature
    with gr.Blocks() as demo:
        inputs = [_component(spec) for spec in signature.inputs]
        shared = [made for spec, made in zip(signature.inputs, inputs, strict=True) if spec.also_output]
        outputs = [_shared(shared, kind) or _OUTPUTS[kind]() for kind in signature.outputs]
        gr.Button("Run").click(fn, inputs=inputs, outputs=outputs, api_name=signature.api_name,
                               concurrency_limit=concurrency_limit)  # fmt: skip
    return demo


def picture(prompt, width, height, shade=1.0):
    red, green, blue = hashlib.sha256(prompt.encode()).digest()[:3]
    colour = np.array([red, green, blue], dtype=np.float64) * shade
    return np.tile(colour.astype(np.uint8), (int(height), int(width), 1))


def pick_seed(seed, randomize_seed):
    return 1234 if randomize_seed else int(seed)


def flux_infer(prompt, seed=42, randomize_seed=False, width=1024, height=1024, num_inference_steps=4):
    return picture(prompt, width, height), pick_seed(seed, randomize_seed)


def sd35_infer(prompt, negative_prompt, seed, randomize_seed, width, height, guidance_scale, num_inference_steps):
    seed = pick_seed(seed, randomize_seed)
    for step in range(1, 3):
        yield picture(prompt, width, height, shade=step / 3), seed
    yield picture(prompt + negative_prompt, width, height), seed


def quota_infer(prompt, seed, randomize_seed, width, height, num_inference_steps):
    raise gr.Error("You have exceeded your GPU quota (59s left vs. 60s requested). Please retry in 0:00:56")


def broken_infer(prompt, seed, randomize_seed, width, height, num_inference_steps):
    raise gr.Error("The model could not load its weights.")


def slow_infer(prompt, seed, randomize_seed, width, height, num_inference_steps):
    time.sleep(float(num_inference_steps) / 10)
    return picture(prompt, width, height), pick_seed(seed, randomize_seed)


def progress_infer(prompt, seed, randomize_seed, width, height, num_inference_steps, progress=gr.Progress()):  # noqa: B008
    gr.Info("Waiting for a GPU")
    for _ in progress.tqdm(range(3), desc="Sampling", unit="steps"):
        time.sleep(0.05)
    return picture(prompt, width, height), pick_seed(seed, randomize_seed)


ZEROGPU_ERRORS = [
    ("You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. ",
     "ZeroGPU quota exceeded"),
    ("You have too many ZeroGPU credits allocated to running tasks. Try again once some of those tasks have "
     "completed.", "ZeroGPU pending credits exceeded"),
    ("No GPU was available after 60s", "ZeroGPU queue timeout"),
    ("GPU task aborted", "ZeroGPU client error"),
    ("The requested GPU duration (120s) is larger than the maximum allowed", "ZeroGPU illegal duration"),
    ("Unlogged user is runnning out of daily ZeroGPU quotas. Signup for free on https://huggingface.co/join or "
     "login on https://huggingface.co/login to get more ZeroGPU quota now.", None),
    ("Space app has reached its GPU limit. Try re-running outside of examples if it happened after clicking one",
     None),
]  # fmt: skip
"""What the ``zerogpu`` app raises for the prompt ``zerogpu N``: the Nth text, with its title where Gradio has them."""


def zerogpu_infer(prompt, seed, randomize_seed, width, height, num_inference_steps):
    text, title = ZEROGPU_ERRORS[int(prompt.split()[-1])]
    try:
        raise gr.Error(text, title=title) if title else gr.Error(text)
    except TypeError:  # Gradio 4 has no titles
        raise gr.Error(text) from None


def echo(app, received):
    """Record what a job received, for the tests to compare with what hfimage meant to send."""
    received = {name: value for name, value in received.items() if name != "progress"}
    with open(os.environ["HFIMAGE_ECHO_FILE"], "a", encoding="utf-8") as file:
        file.write(json.dumps({"app": app, "inputs": received}, default=repr) + "\n")


def used_seed(seed, randomize):
    return 777 if randomize else int(seed)


def flux_dev_infer(prompt, seed, randomize_seed, width, height, guidance_scale, num_inference_steps):
    echo("flux_dev", locals())
    return picture(prompt, width, height), used_seed(seed, randomize_seed)


def sd35_turbo_infer(prompt, negative_prompt, seed, randomize_seed, width, height, guidance_scale, num_inference_steps):
    echo("sd35_turbo", locals())
    return picture(prompt, width, height), used_seed(seed, randomize_seed)


QWEN_SIZES = SPACES["Qwen/Qwen-Image"].sizes


def qwen_infer(prompt, seed, randomize_seed, aspect_ratio, guidance_scale, num_inference_steps, prompt_enhance):
    echo("qwen", locals())
    width, height = QWEN_SIZES[aspect_ratio]
    return picture(prompt, width // 8, height // 8), used_seed(seed, randomize_seed)


def z_image_generate(prompt, resolution, seed, steps, shift, random_seed, gallery_images):
    echo("z_image", locals())
    width, height = (int(side) for side in resolution.split(" ")[0].split("x"))
    seed = used_seed(seed, random_seed)
    yield [(picture(prompt, width, height, shade=0.5), None)], str(seed), seed
    yield [(picture(prompt, width, height), None)], str(seed), seed


def z_image_plain_generate(prompt, height, width, num_inference_steps, seed, randomize_seed):
    echo("z_image_plain", locals())
    return picture(prompt, width, height), used_seed(seed, randomize_seed)


def kolors_infer(
    prompt,
    ip_adapter_image=None,
    ip_adapter_scale=0.5,
    negative_prompt="",
    seed=0,
    randomize_seed=False,
    width=1024,
    height=1024,
    guidance_scale=5.0,
    num_inference_steps=25,
):
    echo("kolors", locals())
    return picture(prompt, width, height)


def described(image):
    """What a job received of an image: its size and the SHA-256 of its RGB pixels."""
    rgb = image.convert("RGB")
    return {"size": list(rgb.size), "sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}


def gallery_images(items):
    """A gallery input's images, however the Gradio version hands them over."""
    return [item[0] if isinstance(item, (tuple, list)) else item for item in items or []]


def kontext_infer(input_image, prompt, seed, randomize_seed, guidance_scale, steps):
    echo("kontext", {**locals(), "input_image": described(input_image)})
    width, height = input_image.size
    return picture(prompt, width // 2, height // 2), used_seed(seed, randomize_seed), gr.Button(visible=True)


def qwen_edit_infer(image, prompt, seed, randomize_seed, true_guidance_scale, num_inference_steps, rewrite_prompt,
                    num_images_per_prompt):  # fmt: skip
    echo("qwen_edit", {**locals(), "image": described(image)})
    width, height = image.size
    return [picture(prompt, width * 2, height)], used_seed(seed, randomize_seed)


def flux2_infer(prompt, input_images, seed, randomize_seed, width, height, num_inference_steps, guidance_scale,
                prompt_upsampling):  # fmt: skip
    echo("flux2", {**locals(), "input_images": [described(image) for image in gallery_images(input_images)]})
    return picture(prompt, width, height), used_seed(seed, randomize_seed)


def image_to_image_shaped():
    """An app that needs an input image: not a text-to-image endpoint."""
    with gr.Blocks() as demo:
        inputs = [gr.Image(label="Input image"), gr.Text(label="Prompt")]
        gr.Button("Edit").click(lambda image, prompt: image, inputs=inputs, outputs=gr.Image(), api_name="edit")
    return demo


def unnamed_shaped():
    """An app whose only endpoint has no API name."""
    with gr.Blocks() as demo:
        inputs = [gr.Text(label="Prompt")]
        gr.Button("Run").click(lambda prompt: picture(prompt, 8, 8), inputs=inputs, outputs=gr.Image(), api_name=False)
    return demo


FLUX = "black-forest-labs/FLUX.1-schnell"

APPS = {
    "flux": lambda: from_catalog(FLUX, flux_infer),
    "sd35": lambda: from_catalog("stabilityai/stable-diffusion-3.5-large", sd35_infer),
    "quota": lambda: from_catalog(FLUX, quota_infer),
    "broken": lambda: from_catalog(FLUX, broken_infer),
    "progress": lambda: from_catalog(FLUX, progress_infer),
    "busy": lambda: from_catalog(FLUX, slow_infer, concurrency_limit=1),
    "zerogpu": lambda: from_catalog(FLUX, zerogpu_infer),
    "flux_dev": lambda: from_catalog("black-forest-labs/FLUX.1-dev", flux_dev_infer),
    "sd35_turbo": lambda: from_catalog("stabilityai/stable-diffusion-3.5-large-turbo", sd35_turbo_infer),
    "qwen": lambda: from_catalog("Qwen/Qwen-Image", qwen_infer),
    "z_image": lambda: from_catalog("Tongyi-MAI/Z-Image-Turbo", z_image_generate),
    "z_image_plain": lambda: from_catalog("mrfakename/Z-Image-Turbo", z_image_plain_generate),
    "kolors": lambda: from_catalog("Kwai-Kolors/Kolors", kolors_infer),
    "kontext": lambda: from_catalog("black-forest-labs/FLUX.1-Kontext-Dev", kontext_infer),
    "kontext_small": lambda: from_catalog("black-forest-labs/FLUX.1-Kontext-Dev", kontext_infer),
    "qwen_edit": lambda: from_catalog("Qwen/Qwen-Image-Edit", qwen_edit_infer),
    "flux2": lambda: from_catalog("black-forest-labs/FLUX.2-dev", flux2_infer),
    "image_to_image": image_to_image_shaped,
    "unnamed": unnamed_shaped,
}


LAUNCH = {"kontext_small": {"max_file_size": SMALL_FILE_LIMIT}}
"""Launch settings of the apps that need their own."""


def main(assignments):
    for assignment in assignments:
        name, port = assignment.split("=")
        demo = APPS[name]()
        demo.queue(default_concurrency_limit=None)
        demo.launch(server_name="127.0.0.1", server_port=int(port), prevent_thread_lock=True, **LAUNCH.get(name, {}))
    print("READY", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1:])
