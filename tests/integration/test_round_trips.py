"""The fewest round trips a call can make, counted by a latency_proxy in front of real Gradio apps (6 and 4.44).

A warm call needs three requests (the job, its event stream, the image); a new process adds one
connection, and with the disk cache nothing else: no config, no API description, no Hub.
"""

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import run_hfimage


def downloads(space):
    return [request.route for request in space.requests if "/file=" in request.route]


def previews_then_final(space):
    previews = [space.preview(seed) for seed in (1, 2)]
    final = space.final(3)
    space.script([*previews, final])
    return [step[1][0]["path"] for step in previews], final[1][0]["path"]


def test_the_sync_api_downloads_the_final_image_only_when_read(fake_space):
    _, final = previews_then_final(fake_space)
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        assert downloads(fake_space) == []
        assert image.content[:4] == b"\x89PNG"
    assert downloads(fake_space) == [f"/gradio_api/file={final}"]


def test_aio_downloads_the_final_image_and_no_preview(fake_space):
    _, final = previews_then_final(fake_space)
    seen = []

    async def main():
        async with hfimage.aio.Client() as client:
            return await client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url),
                                         on_event=seen.append)  # fmt: skip

    assert anyio.run(main).content[:4] == b"\x89PNG"
    assert [type(event).__name__ for event in seen].count("Preview") == 2
    assert downloads(fake_space) == [f"/gradio_api/file={final}"]


@pytest.mark.parametrize("keep", [False, True], ids=["without-previews", "with-previews"])
def test_the_command_downloads_previews_only_with_the_previews_option(fake_space, tmp_path, keep):
    previews, final = previews_then_final(fake_space)
    option = ["--previews", str(tmp_path / "previews")] if keep else []
    result = run_hfimage("a fox", "--url", fake_space.url, "-o", "fox.png", *option, cwd=tmp_path,
                         HFIMAGE_CACHE=str(tmp_path / "cache"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert downloads(fake_space) == [f"/gradio_api/file={path}" for path in (*previews, final)][0 if keep else 2 :]
    assert sorted(path.name for path in (tmp_path / "previews").glob("*")) == (
        ["preview-001.png", "preview-002.png"] if keep else []
    )
