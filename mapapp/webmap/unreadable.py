"""What a visitor is told when the map data cannot be read: the file by name and the fix, never a path or a traceback.

The page catches :class:`mapapp.problems.GeodataError` (which ``load_dataset`` raises for any missing or
broken file of the build output) and shows :func:`unreadable_message`; the details go to the server's log.
"""

from __future__ import annotations

from mapapp.problems import GeodataError


def unreadable_message(error: GeodataError) -> str:
    """The short message for the page: that the data could not be read, the file's name (not its folder: the
    reason can quote the system's error, which may hold a path, so it stays in the log) and the fix."""
    return f"The map data could not be read ({error.path.name}). Fix: run `mapapp build`."
