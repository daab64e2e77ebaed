from hfimage._protocols.gradio.app import parse_config
from hfimage.testing import FLUX_INPUTS, GRADIO_4, GRADIO_6, FakeSpace

ROOT = "http://127.0.0.1:9"


def config(version):
    fake = FakeSpace(version=version)  # never started: only its config is needed
    try:
        return fake.config()
    finally:
        fake.close()


def test_a_gradio_5_config_gives_its_prefix_version_and_endpoint_limits():
    space = parse_config(ROOT, config(GRADIO_6))
    assert space.api_prefix == "/gradio_api"
    assert space.version == GRADIO_6
    endpoint = space.endpoints["infer"]
    assert endpoint.fn_index == 0
    assert [(spec.minimum, spec.maximum) for spec in endpoint.inputs] == [(i.minimum, i.maximum) for i in FLUX_INPUTS]
    assert [spec.default for spec in endpoint.inputs] == [i.default for i in FLUX_INPUTS]
    assert [spec.component for spec in endpoint.inputs] == [i.component for i in FLUX_INPUTS]
    assert space.api_url("/call/infer") == f"{ROOT}/gradio_api/call/infer"


def test_a_gradio_4_config_has_no_prefix():
    space = parse_config(ROOT, config(GRADIO_4))
    assert space.api_prefix == ""
    assert space.api_url("/call/infer") == f"{ROOT}/call/infer"
