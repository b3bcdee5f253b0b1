"""Map data that cannot be read: which file it is, and what a visitor is told (never a path or a traceback).

:func:`mapapp.mapview.load_dataset` has no one exception class for a missing or broken build output
yet; :data:`LOAD_ERRORS` is what it raises today, caught by the page in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .borders import load_borders
from .model import load_events, load_people, load_places
from .problems import DataError

#: What reading the build output raises today: a missing or unreadable file (OSError), bad JSON or a bad
#: value (ValueError, which json.JSONDecodeError and UnicodeDecodeError are), a missing key (KeyError),
#: JSON of the wrong shape (TypeError, AttributeError), a broken people table (DataError).
LOAD_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, KeyError, TypeError, AttributeError, DataError)


def broken_file(geodata: Path) -> str | None:
    """The name (not the path) of the file ``load_dataset(geodata)`` fails on, if it can be told.

    Called after load_dataset failed: the errors it raises today do not all say which file, so the files
    are read again one by one, in its order, and the first that fails on its own is the one.
    """
    readers: list[tuple[Path, Callable[[Path], object]]] = [
        (geodata / "places.geojson", load_places), (geodata / "events.geojson", load_events),
        (geodata / "people.json", load_people), (geodata / "borders.geojson", load_borders)]
    for path, read in readers:
        try:
            read(path)
        except LOAD_ERRORS:
            return path.name
    return None


def unreadable_message(file_name: str | None) -> str:
    """The short message for the page: what is wrong, which file by name, and the fix."""
    which = f" ({file_name})" if file_name else ""
    return f"The map data could not be read{which}. Fix: run `mapapp build`."
