"""Files the app hands out (reply drafts): private to this process and removed when old.

Gradio copies every file it serves into its cache, by default ``/tmp/gradio`` shared by every Gradio
process on the machine, keyed by the file's content hash, with 0755 folders and 0644 files. The app
instead gives Gradio a folder of its own (``GRADIO_TEMP_DIR`` inside a ``mkdtemp`` folder, 0700),
writes its drafts 0600 (``shutil.copy2`` keeps that mode in Gradio's copy) and runs with umask 077,
so no other user can read a draft and no file another process wrote is ever served.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

PREFIX = "policy-assistant-"


def make_private_root() -> Path:
    """A new 0700 folder for this process, removed when the process exits normally."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    os.chmod(root, 0o700)
    atexit.register(shutil.rmtree, root, True)
    return root


def private_dir(path: Path) -> Path:
    """``path`` created (with parents) 0700, or narrowed to 0700 if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def restrict(path: Path) -> Path:
    """Make a file we wrote readable by its owner only (0600)."""
    os.chmod(path, 0o600)
    return path


def write_private(path: Path, text: str) -> Path:
    """Write text to a file created 0600 (never readable by others, not even for a moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fd, 0o600)
        fh.write(text)
    return Path(path)


def sweep(folder: Path, max_age: float) -> None:
    """Remove the entries of ``folder`` last changed more than ``max_age`` seconds ago."""
    cutoff = time.time() - max_age
    for old in folder.iterdir() if folder.is_dir() else ():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        except OSError:
            pass


def sweep_every(folder: Path, max_age: float, interval: float) -> threading.Event:
    """Sweep ``folder`` every ``interval`` seconds in a daemon thread, so a draft's originals expire
    like Gradio's served copies (not only when the next draft is made); set the event to stop."""
    stop = threading.Event()

    def run():
        while not stop.wait(interval):
            sweep(folder, max_age)

    threading.Thread(target=run, name="sweep-drafts", daemon=True).start()
    return stop
