"""The token a caller saved, found where huggingface_hub finds it; the ZeroGPU quota it buys, from the Hub."""

import os

import pytest

import hfimage
from hfimage import InvalidRequestError
from hfimage._http.auth import saved_token

from ..helpers import ENV_TOKEN, HOME_TOKEN, OLD_ENV_TOKEN, PATH_TOKEN


def test_the_sources_are_read_in_huggingface_hubs_order(saved, monkeypatch):
    assert saved_token() == (ENV_TOKEN, "HF_TOKEN")
    monkeypatch.delenv("HF_TOKEN")
    assert saved_token() == (OLD_ENV_TOKEN, "HUGGING_FACE_HUB_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN")
    assert saved_token() == (PATH_TOKEN, f"the token file {saved / 'elsewhere'}")
    monkeypatch.delenv("HF_TOKEN_PATH")
    assert saved_token() == (HOME_TOKEN, f"the token file {saved / 'hf-home' / 'token'}")
    monkeypatch.delenv("HF_HOME")
    monkeypatch.setenv("HOME", str(saved))
    (saved / ".cache" / "huggingface").mkdir(parents=True)
    (saved / ".cache" / "huggingface" / "token").write_text("hf_defaulthome5")
    assert saved_token() == ("hf_defaulthome5", f"the token file {saved / '.cache' / 'huggingface' / 'token'}")


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_the_disable_switch_turns_every_implicit_source_off(saved, monkeypatch, value):
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", value)
    assert saved_token() == (None, None)
    assert hfimage.Client().token_source is None
    assert hfimage.Client(token="hf_given").token_source == "token="


def test_a_login_or_logout_between_calls_is_seen_by_the_next_call(monkeypatch, tmp_path):
    path = tmp_path / "token"
    monkeypatch.setenv("HF_TOKEN_PATH", str(path))
    path.write_text("hf_first1")
    assert saved_token()[0] == "hf_first1"
    path.write_text("hf_again2")  # same size, written again
    os.utime(path, ns=(1, 2))
    assert saved_token()[0] == "hf_again2"
    replacement = tmp_path / "new"
    replacement.write_text("hf_other3")
    replacement.replace(path)  # as editors and `hf auth login` rewrite files: a new inode
    assert saved_token()[0] == "hf_other3"
    path.unlink()
    assert saved_token() == (None, None)


def test_an_empty_or_missing_file_means_no_token(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "empty"))
    (tmp_path / "empty").write_text("\n")
    assert saved_token() == (None, None)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "missing"))
    assert saved_token() == (None, None)


def test_a_broken_token_file_is_named_never_quoted(monkeypatch, tmp_path):
    (tmp_path / "token").write_text("hf_two words")
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "token"))
    with pytest.raises(InvalidRequestError) as caught:
        hfimage.generate("a cat", provider="BlackForestLabs_Flux1Schnell")
    assert f"The token file {tmp_path / 'token'} (saved by `hf auth login`) is not a Hugging Face token" in str(
        caught.value
    )
    assert "two words" not in str(caught.value)


def test_the_saved_token_reaches_a_space_on_hugging_face_and_is_never_printed(saved, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN")
    client = hfimage.Client()
    plan = client.plan("a cat", provider="BlackForestLabs_Flux1Schnell")
    assert plan.token == PATH_TOKEN
    assert client.token_source == f"the token file {saved / 'elsewhere'}"
    assert PATH_TOKEN not in repr(client)
    assert f"token_source='the token file {saved / 'elsewhere'}'" in repr(client)
