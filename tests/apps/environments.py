"""Virtual environments with older Gradio releases (4.44.1, 5.49.1), each built once in pytest's cache and
shared by every process of a run: the first to need one builds it while the others wait on its lock. A
run that will reach the end-to-end tests starts the builds at once, in the background, so they overlap
the faster lanes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PINS = {
    "4.44.1": ("gradio==4.44.1", "huggingface_hub<0.26", "fastapi<0.113", "starlette<0.39", "pydantic<2.10"),
    "5.49.1": ("gradio==5.49.1",),
}
"""What each environment installs: a Gradio release, and the versions of its dependencies it still runs on."""


def environment_root(config: Any, version: str) -> Path:
    name = f"gradio-{version}"
    return config.cache.mkdir(name) if config.cache else Path(".pytest_cache") / name


def gradio_python(version: str, root: Path, say: Callable[[str], None]) -> str:
    """An interpreter with that Gradio release: ``$HFIMAGE_GRADIO<major>_PYTHON``, else the one in
    ``root``, built here unless it is ready (or another process is building it: then this waits for it).

    Raises subprocess.SubprocessError or OSError when it cannot be built.
    """
    given = os.environ.get(f"HFIMAGE_GRADIO{version.split('.', maxsplit=1)[0]}_PYTHON")
    if given:
        return given
    root.mkdir(parents=True, exist_ok=True)
    python, ready = root / "venv" / "bin" / "python", root / "ready"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            say(f"hfimage tests: building a virtual environment with gradio {version} in {root} (first run only) ...")
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(root / "venv")], check=True, timeout=300)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS[version]],
                check=True,
                timeout=1200,
            )
            ready.write_text(" ".join(PINS[version]))
            say(f"hfimage tests: gradio {version} is ready ({time.monotonic() - started:.0f} s)")
    return str(python)


def build_in_background(config: Any, say: Callable[[str], None]) -> None:
    """Start building every environment now, each in a thread of its own; a failure here is met again,
    and reported, by the test that needs it."""

    def build(version: str) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            gradio_python(version, environment_root(config, version), say)

    for version in PINS:
        threading.Thread(target=build, args=(version,), name=f"gradio-{version}-build", daemon=True).start()


def say_for(config: Any) -> Callable[[str], None]:
    """A way to write one line on the terminal at once, even while pytest captures output: the reporter's
    writer buffers, so each line is flushed (else it shows only when the build is over)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return lambda line: print(line, file=sys.stderr, flush=True)

    def say(line: str) -> None:
        reporter.ensure_newline()
        reporter.write(line + "\n", flush=True)

    return say
