"""Gradio apps with the real spaces' signatures, for end-to-end tests.

Run as ``python spaces.py NAME=PORT ...``; prints ``READY`` once every app listens on 127.0.0.1.
Images are solid colours derived from the prompt, sized as requested, so tests can check them.
``slow`` and ``busy`` (one job at a time) sleep a tenth of a second per inference step.
"""

import hashlib
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


APPS = {
    "flux": lambda: flux_shaped(flux_infer),
    "sd35": sd35_shaped,
    "quota": lambda: flux_shaped(quota_infer),
    "broken": lambda: flux_shaped(broken_infer),
    "progress": lambda: flux_shaped(progress_infer),
    "busy": lambda: flux_shaped(slow_infer, concurrency_limit=1),
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
