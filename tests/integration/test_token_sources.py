"""The token a caller saved, found where huggingface_hub finds it; the ZeroGPU quota it buys, from the Hub."""

import datetime
import json

import pytest

import hfimage
from hfimage import AuthenticationError, cli

from ..helpers import ENV_TOKEN, run_hfimage


def test_providers_check_says_where_the_token_came_from_and_the_quota(saved, fake_providers, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(saved))
    fake_providers.hub.quota_tokens.add(ENV_TOKEN)
    fake_providers.hub.quota = {"base": 2400, "current": 600, "resetsAt": "2026-12-02T10:00:00Z"}
    assert cli.main(["providers", "--check", "--timeout", "3"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert "token: from HF_TOKEN" in lines
    assert (
        "ZeroGPU quota: 600 s of 2400 s used (25%), 1800 s left, resets at 2026-12-02 10:00 UTC; token from HF_TOKEN"
        in lines
    )
    assert ENV_TOKEN not in captured.out + captured.err


def test_quota_reports_used_total_and_reset(fake_hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", ENV_TOKEN)
    fake_hub.quota_tokens.add(ENV_TOKEN)
    fake_hub.quota = {"base": 300, "current": 120.5, "resetsAt": "2026-12-02T10:00:00.000Z", "overquotaUsed": 0}
    found = hfimage.quota()
    assert (found.used, found.total, found.left) == (120.5, 300.0, 179.5)
    assert found.resets_at == datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone.utc)
    assert found.token_source == "HF_TOKEN"
    assert fake_hub.requests[-1].headers["Authorization"] == f"Bearer {ENV_TOKEN}"
    result = run_hfimage("quota", "--json", HF_TOKEN=ENV_TOKEN, HF_ENDPOINT=fake_hub.url)
    assert json.loads(result.stdout) == {
        "used": 120.5, "total": 300.0, "resets_at": "2026-12-02T10:00:00+00:00", "token_source": "HF_TOKEN",
        "left": 179.5,
    }  # fmt: skip


def test_quota_without_a_token_says_how_to_give_one_and_sends_nothing(fake_hub):
    with pytest.raises(AuthenticationError, match="give a token"):
        hfimage.quota()
    assert fake_hub.requests == []
    result = run_hfimage("quota", HF_ENDPOINT=fake_hub.url)
    assert result.returncode == 2  # invalid input: nothing can be asked without a token
    assert result.stderr.startswith("hfimage: error: The ZeroGPU quota belongs to a Hugging Face account")


def test_quota_with_a_token_lacking_the_scope_says_which_scope(fake_hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_noscope")
    with pytest.raises(AuthenticationError) as caught:
        hfimage.quota()
    assert "needs the billing-read scope" in str(caught.value)
    assert "hf_noscope" not in repr(caught.value)
