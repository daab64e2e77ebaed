"""Gradio apps with the real spaces' signatures, for end-to-end tests.

Run as ``python spaces.py NAME=PORT ...``; prints ``READY`` once every app listens on 127.0.0.1.
Images are solid colours derived from the prompt, sized as requested, so tests can check them.
``slow`` and ``busy`` (one job at a time) sleep a tenth of a second per inference step.
The stand-ins of today's spaces (``flux_dev`` ... ``kolors``) append the inputs each job
received, by name, as one JSON line to the file named by ``HFIMAGE_ECHO_FILE``.
"""

import hashlib
import json
import os
import sys
import time

import gradio as gr
import numpy as np

MAX_SEED = 2**31 - 1


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


def flux_shaped(fn, concurrency_limit="default"):
    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt")
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=32, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=32, value=1024)
        steps = gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=4)
        result = gr.Image(label="Result")
        used_seed = gr.Number(label="Seed used")
        run = gr.Button("Run")
        run.click(
            fn,
            inputs=[prompt, seed, randomize_seed, width, height, steps],
            outputs=[result, used_seed],
            api_name="infer",
            concurrency_limit=concurrency_limit,
        )
    return demo


def sd35_shaped():
    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt")
        negative_prompt = gr.Text(label="Negative prompt")
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        width = gr.Slider(label="Width", minimum=512, maximum=1440, step=32, value=1024)
        height = gr.Slider(label="Height", minimum=512, maximum=1440, step=32, value=1024)
        guidance = gr.Slider(label="Guidance scale", minimum=0.0, maximum=7.5, step=0.1, value=4.5)
        steps = gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=40)
        result = gr.Image(label="Result")
        used_seed = gr.Number(label="Seed used")
        run = gr.Button("Run")
        run.click(
            sd35_infer,
            inputs=[prompt, negative_prompt, seed, randomize_seed, width, height, guidance, steps],
            outputs=[result, used_seed],
            api_name="infer",
        )
    return demo


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


QWEN_SIZES = {"1:1": (1328, 1328), "16:9": (1664, 928), "9:16": (928, 1664), "4:3": (1472, 1140),
              "3:4": (1140, 1472), "3:2": (1584, 1056), "2:3": (1056, 1584)}  # fmt: skip


def qwen_infer(prompt, seed, randomize_seed, aspect_ratio, guidance_scale, num_inference_steps, prompt_enhance):
    echo("qwen", locals())
    width, height = QWEN_SIZES[aspect_ratio]
    return picture(prompt, width // 8, height // 8), used_seed(seed, randomize_seed)


Z_RESOLUTIONS = ["1024x1024 ( 1:1 )", "1280x720 ( 16:9 )", "720x1280 ( 9:16 )", "1152x864 ( 4:3 )",
                 "864x1152 ( 3:4 )", "1344x576 ( 21:9 )"]  # fmt: skip


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


def flux_dev_shaped():
    with gr.Blocks() as demo:
        inputs = [
            gr.Text(label="Prompt"),
            gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0),
            gr.Checkbox(label="Randomize seed", value=True),
            gr.Slider(label="Width", minimum=256, maximum=2048, step=32, value=1024),
            gr.Slider(label="Height", minimum=256, maximum=2048, step=32, value=1024),
            gr.Slider(label="Guidance Scale", minimum=1, maximum=15, step=0.1, value=3.5),
            gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=28),
        ]
        outputs = [gr.Image(label="Result"), gr.Number(label="Seed")]
        gr.Button("Run").click(flux_dev_infer, inputs=inputs, outputs=outputs, api_name="infer")
    return demo


def sd35_turbo_shaped():
    with gr.Blocks() as demo:
        inputs = [
            gr.Text(label="Prompt"),
            gr.Text(label="Negative prompt"),
            gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0),
            gr.Checkbox(label="Randomize seed", value=True),
            gr.Slider(label="Width", minimum=512, maximum=1440, step=32, value=1024),
            gr.Slider(label="Height", minimum=512, maximum=1440, step=32, value=1024),
            gr.Slider(label="Guidance scale", minimum=0.0, maximum=7.5, step=0.1, value=1.5),
            gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=8),
        ]
        outputs = [gr.Image(label="Result"), gr.Number(label="Seed")]
        gr.Button("Run").click(sd35_turbo_infer, inputs=inputs, outputs=outputs, api_name="infer")
    return demo


def qwen_shaped():
    with gr.Blocks() as demo:
        inputs = [
            gr.Text(label="Prompt"),
            gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0),
            gr.Checkbox(label="Randomize seed", value=True),
            gr.Radio(label="Aspect ratio", choices=list(QWEN_SIZES), value="16:9"),
            gr.Slider(label="Guidance scale", minimum=1.0, maximum=10.0, step=0.1, value=4.0),
            gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=50),
            gr.Checkbox(label="Prompt enhance", value=True),
        ]
        outputs = [gr.Image(label="Result"), gr.Number(label="Seed")]
        gr.Button("Run").click(qwen_infer, inputs=inputs, outputs=outputs, api_name="infer")
    return demo


def z_image_shaped():
    with gr.Blocks() as demo:
        gallery = gr.Gallery(label="Generated images")
        inputs = [
            gr.Textbox(label="Prompt"),
            gr.Dropdown(label="Resolution", choices=Z_RESOLUTIONS, value=Z_RESOLUTIONS[0]),
            gr.Number(label="Seed", value=42, precision=0),
            gr.Slider(label="Steps", minimum=1, maximum=100, step=1, value=8),
            gr.Slider(label="Time shift", minimum=1.0, maximum=10.0, step=0.1, value=3.0),
            gr.Checkbox(label="Random seed", value=True),
            gallery,
        ]
        outputs = [gallery, gr.Textbox(label="Seed used"), gr.Number(label="Seed", precision=0)]
        gr.Button("Generate").click(z_image_generate, inputs=inputs, outputs=outputs, api_name="generate")
    return demo


def z_image_plain_shaped():
    with gr.Blocks() as demo:
        inputs = [
            gr.Textbox(label="Prompt"),
            gr.Slider(label="Height", minimum=256, maximum=2048, step=64, value=1024),
            gr.Slider(label="Width", minimum=256, maximum=2048, step=64, value=1024),
            gr.Slider(label="Steps", minimum=1, maximum=20, step=1, value=9),
            gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=42),
            gr.Checkbox(label="Randomize seed", value=True),
        ]
        outputs = [gr.Image(label="Image"), gr.Number(label="Seed")]
        gr.Button("Go").click(z_image_plain_generate, inputs=inputs, outputs=outputs, api_name="generate_image")
    return demo


def kolors_shaped():
    with gr.Blocks() as demo:
        inputs = [
            gr.Text(label="Prompt"),
            gr.Image(label="IP-Adapter image", type="pil"),
            gr.Slider(label="IP-Adapter scale", minimum=0.0, maximum=1.0, step=0.05, value=0.5),
            gr.Text(label="Negative prompt"),
            gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0),
            gr.Checkbox(label="Randomize seed", value=True),
            gr.Slider(label="Width", minimum=256, maximum=1536, step=32, value=1024),
            gr.Slider(label="Height", minimum=256, maximum=1536, step=32, value=1024),
            gr.Slider(label="Guidance scale", minimum=0.0, maximum=10.0, step=0.1, value=5.0),
            gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=25),
        ]
        gr.Button("Run").click(kolors_infer, inputs=inputs, outputs=[gr.Image(label="Result")], api_name="infer")
    return demo


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


APPS = {
    "flux": lambda: flux_shaped(flux_infer),
    "sd35": sd35_shaped,
    "quota": lambda: flux_shaped(quota_infer),
    "broken": lambda: flux_shaped(broken_infer),
    "progress": lambda: flux_shaped(progress_infer),
    "busy": lambda: flux_shaped(slow_infer, concurrency_limit=1),
    "zerogpu": lambda: flux_shaped(zerogpu_infer),
    "flux_dev": flux_dev_shaped,
    "sd35_turbo": sd35_turbo_shaped,
    "qwen": qwen_shaped,
    "z_image": z_image_shaped,
    "z_image_plain": z_image_plain_shaped,
    "kolors": kolors_shaped,
    "image_to_image": image_to_image_shaped,
    "unnamed": unnamed_shaped,
}


def main(assignments):
    for assignment in assignments:
        name, port = assignment.split("=")
        demo = APPS[name]()
        demo.queue(default_concurrency_limit=None)
        demo.launch(server_name="127.0.0.1", server_port=int(port), prevent_thread_lock=True)
    print("READY", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1:])
