"""mapapp's Streamlit page (placeholder: counts and a table, no map yet).

Run with `bash scripts/app.sh` (or `streamlit run streamlit_app.py`). The geodata folder can
be overridden with the MAPAPP_GEODATA environment variable (used by the tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from mapapp import GEODATA_DIR
from mapapp.model import Event, Place, load_events, load_places

TITLE = "mapapp — the Great Purge, 1934–1953"


@st.cache_data
def load_geodata(folder: str) -> tuple[dict[str, Place], list[Event]]:
    """Places and events from the build output in ``folder`` (cached across reruns)."""
    return load_places(Path(folder) / "places.geojson"), load_events(Path(folder) / "events.geojson")


st.set_page_config(page_title=TITLE, layout="wide")
st.title(TITLE)
geodata = Path(os.environ.get("MAPAPP_GEODATA", str(GEODATA_DIR)))
if not (geodata / "places.geojson").is_file() or not (geodata / "events.geojson").is_file():
    st.warning(f"No map data in {geodata} yet: run `mapapp build` to make it from data/*.csv.")
    st.stop()

places, events = load_geodata(str(geodata))
left, right = st.columns(2)
left.metric("Places", len(places))
right.metric("Events", len(events))
st.dataframe(
    [{"date": e.date_label_en, "event": e.title_en, "place": places[e.place_ids[0]].name_en,
      "source": e.citation_en} for e in events],
    hide_index=True,
)
