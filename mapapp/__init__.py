"""mapapp: an offline-first, time-aware map of the Great Purge (1934–1953).

The package is a pure core (no Streamlit, no argv): tables are read and validated
(:mod:`mapapp.ingest.tables`, :mod:`mapapp.ingest.validate`), towns are resolved through GeoNames
(:mod:`mapapp.ingest.gazetteer`), :mod:`mapapp.ingest.build` writes ``geodata/``, and the app reads it
back through :mod:`mapapp.model.records` and :mod:`mapapp.model.timeline`.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root when running from a checkout or an editable install.
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Curated tables edited by hand.
DATA_DIR = REPO_ROOT / "data"
#: Build output read by the app.
GEODATA_DIR = REPO_ROOT / "geodata"
