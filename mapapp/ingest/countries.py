"""Rough country bounding boxes, to catch coordinates in the wrong country or with lat/lon swapped.

Boxes are deliberately generous (about half a degree beyond the land) and cover only the
countries that occur in the data; a missing country is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Extra margin, in degrees, around every box.
MARGIN = 0.5


@dataclass(frozen=True)
class BBox:
    """South, north, west, east in degrees; ``west > east`` means the box crosses 180°."""

    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        """Whether (lat, lon) lies inside the box plus :data:`MARGIN`."""
        if not self.south - MARGIN <= lat <= self.north + MARGIN:
            return False
        west, east = self.west - MARGIN, self.east + MARGIN
        if self.west <= self.east:
            return west <= lon <= east
        return lon >= west or lon <= east  # crosses the antimeridian

    def describe(self) -> str:
        """``lat 44.0..52.5, lon 22.0..40.5``."""
        return f"lat {self.south}..{self.north}, lon {self.west}..{self.east}"


COUNTRY_BOUNDS: dict[str, BBox] = {
    "RU": BBox(41.1, 81.9, 19.6, -169.0),  # Kaliningrad to Chukotka, across 180°
    "UA": BBox(44.3, 52.4, 22.1, 40.3),
    "BY": BBox(51.2, 56.2, 23.1, 32.8),
    "GE": BBox(41.0, 43.6, 40.0, 46.8),
    "AM": BBox(38.8, 41.3, 43.4, 46.7),
    "AZ": BBox(38.3, 41.95, 44.7, 50.9),
    "KZ": BBox(40.5, 55.5, 46.4, 87.4),
    "UZ": BBox(37.1, 45.6, 55.9, 73.2),
    "TM": BBox(35.1, 42.8, 52.4, 66.7),
    "TJ": BBox(36.6, 41.1, 67.3, 75.2),
    "KG": BBox(39.1, 43.3, 69.2, 80.3),
    "PL": BBox(49.0, 54.9, 14.1, 24.2),
    "MX": BBox(14.5, 32.8, -118.5, -86.7),
    "GB": BBox(49.8, 60.9, -8.7, 1.8),
    "US": BBox(18.9, 71.5, 172.0, -66.9),  # Hawaii and the Aleutians to Maine, across 180°
    "DE": BBox(47.2, 55.1, 5.8, 15.1),
    "CZ": BBox(48.5, 51.1, 12.0, 18.9),
    "HU": BBox(45.7, 48.6, 16.1, 22.9),
    "TR": BBox(35.8, 42.2, 25.6, 44.9),
    "FR": BBox(41.3, 51.1, -5.2, 9.6),  # metropolitan France
    "FI": BBox(59.7, 70.1, 20.5, 31.6),
    "LV": BBox(55.6, 58.1, 20.9, 28.3),
    "LT": BBox(53.9, 56.5, 20.9, 26.9),
    "EE": BBox(57.5, 59.7, 21.7, 28.3),
    "MD": BBox(45.4, 48.5, 26.6, 30.2),
    "CA": BBox(41.6, 83.2, -141.1, -52.6),
}
