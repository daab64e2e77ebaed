"""The disk cache: what spaces and the Hub said of themselves, kept for the next process.

A cache entry saves round trips and nothing else: a stale, damaged, foreign or unwritable one is
a miss, and an app that changed behind it is read once more and the job sent again.
"""

import json
import threading

import pytest

import hfimage
from hfimage._core.disk_cache import FORMAT, DiskCache, cache_folder


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def entry_files(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_a_value_saved_is_loaded_back_by_another_instance(tmp_path):
    DiskCache(tmp_path).save("kind", "http://a", {"x": [1, "two", None]})
    assert DiskCache(tmp_path).load("kind", "http://a") == {"x": [1, "two", None]}
    assert DiskCache(tmp_path).load("kind", "http://b") is None
    assert DiskCache(tmp_path).load("other", "http://a") is None


def test_an_entry_older_than_the_age_limit_or_from_the_future_is_a_miss(tmp_path):
    clock = Clock()
    cache = DiskCache(tmp_path, max_age=100, clock=clock)
    cache.save("kind", "key", 1)
    clock.now += 100
    assert cache.load("kind", "key") == 1
    clock.now += 1
    assert cache.load("kind", "key") is None
    clock.now -= 200  # saved "in the future": a clock that jumped, or a forged entry
    assert cache.load("kind", "key") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: b"{not json",
        lambda entry: b"\xff\xfe",
        lambda entry: json.dumps([entry]).encode(),
        lambda entry: json.dumps({**entry, "format": FORMAT + 1}).encode(),
        lambda entry: json.dumps({**entry, "key": "another key with the same file"}).encode(),
        lambda entry: json.dumps({**entry, "saved": "yesterday"}).encode(),
        lambda entry: json.dumps({k: v for k, v in entry.items() if k != "saved"}).encode(),
    ],
    ids=["not-json", "not-utf8", "not-an-object", "other-format", "other-key", "bad-time", "no-time"],
)
def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path, damage):
    cache = DiskCache(tmp_path)
    cache.save("kind", "key", "value")
    [path] = entry_files(tmp_path)
    path.write_bytes(damage(json.loads(path.read_bytes())))
    assert cache.load("kind", "key") is None


def test_a_cache_that_cannot_be_written_costs_nothing_but_the_saving(tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    cache = DiskCache(blocked)
    cache.save("kind", "key", "value")  # no error
    assert cache.load("kind", "key") is None
    DiskCache(tmp_path).save("kind", "key", {1, 2})  # not JSON: nothing written, nothing left behind
    assert entry_files(tmp_path) == [blocked]


def test_writers_replace_entries_whole_and_leave_no_temporary_file(tmp_path):
    cache = DiskCache(tmp_path)
    values = [{"writer": n, "payload": "x" * 200_000} for n in range(8)]
    seen = []

    def read():
        for _ in range(200):
            seen.append(cache.load("kind", "key"))

    threads = [threading.Thread(target=cache.save, args=("kind", "key", value)) for value in values]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [value for value in seen if value is not None and value not in values] == []
    assert cache.load("kind", "key") in values
    assert [path.name.endswith(".json") for path in entry_files(tmp_path)] == [True]


def test_the_folder_is_hfimage_cache_else_under_xdg_cache_home_else_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HFIMAGE_CACHE", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.delenv("HFIMAGE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "hfimage"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "hfimage"


def test_the_cache_option_is_checked_before_anything_is_sent():
    with pytest.raises(hfimage.InvalidRequestError, match="cache must be True, False or a folder's path; got 3"):
        hfimage.Client(cache=3)
    with pytest.raises(hfimage.InvalidRequestError, match="cache must be"):
        hfimage.aio.Client(cache="  ")
