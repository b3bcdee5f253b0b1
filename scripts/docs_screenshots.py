"""Copy the e2e tests' layout screenshots (test-artifacts/) into docs/screenshots/ for the README, made small.

Run after the end-to-end tests: `.venv/bin/python scripts/docs_screenshots.py`. Each image is scaled to at most
1400 px wide and reduced to 256 colours (the map's flat colours survive it), written atomically.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
#: docs/screenshots/<name> ← test-artifacts/<source>, as the README links them.
SHOTS = {"laptop.png": "layout-laptop.png", "phone.png": "layout-phone.png", "phone-sheet.png": "layout-phone-sheet.png",
         "kiosk.png": "layout-kiosk.png", "russian.png": "layout-russian.png", "popup.png": "layout-laptop-popup.png",
         "trail.png": "layout-laptop-trail.png"}


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    missing = [src for src in SHOTS.values() if not (ROOT / "test-artifacts" / src).is_file()]
    if missing:
        print(f"test-artifacts/ lacks {', '.join(missing)}. Fix: run the e2e tests first "
              "(bash scripts/test.sh tests/e2e/test_layout.py tests/e2e/test_kiosk.py).", file=sys.stderr)
        return 2
    for name, src in SHOTS.items():
        image = Image.open(ROOT / "test-artifacts" / src).convert("RGB")
        if image.width > 1400:
            image = image.resize((1400, round(image.height * 1400 / image.width)), Image.Resampling.LANCZOS)
        small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        fd, tmp = tempfile.mkstemp(dir=out, suffix=".png")
        os.close(fd)
        small.save(tmp, optimize=True)
        os.replace(tmp, out / name)
        print(f"docs/screenshots/{name}: {(out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
