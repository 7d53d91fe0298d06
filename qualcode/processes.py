"""Child processes that do not outlive qualcode."""

from __future__ import annotations

import sys


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
