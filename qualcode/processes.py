"""Child processes that do not outlive qualcode, and files that do not outlive its death."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def die_with_parent() -> None:
    """In the child: ask Linux to stop it when qualcode dies (even by SIGKILL).

    For tools run with subprocess (which already kills them when qualcode raises: an error,
    Ctrl-C, SIGTERM) and for the import's parse worker; this covers a killed parent.
    Hand-written with ctypes: prctl(PR_SET_PDEATHSIG) has no wrapper in the standard
    library. Elsewhere than Linux it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


# The watcher: it waits for the end of its stdin; anything but "done" (the backup ended
# without saying so: its process was killed) removes the file. Only os and sys: -I -S.
_WATCHER = (
    "import os, sys\n"
    "if sys.stdin.buffer.read() != b'done':\n"
    "    try:\n"
    "        os.unlink(sys.argv[1])\n"
    "    except OSError:\n"
    "        pass\n"
)


@contextmanager
def removed_if_killed(path: Path) -> Iterator[None]:
    """Within the block, `path` is removed if this process dies before the block ends, even
    by SIGKILL, which no handler sees: a small watcher process holds the other end of a pipe
    and, when the pipe closes without a "done" (the kernel closes it when this process dies
    in any way), removes the file. The block cleans up after its own errors itself; the
    watcher is told "done" however the block ends.

    The watcher runs in a session of its own, so a Ctrl-C at the terminal does not stop it
    before it is told.
    """
    watcher = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _WATCHER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert watcher.stdin is not None
    try:
        yield
    finally:
        try:
            watcher.stdin.write(b"done")
            watcher.stdin.close()
        except OSError:  # the watcher is gone already: nothing to tell it
            pass
        watcher.wait()
