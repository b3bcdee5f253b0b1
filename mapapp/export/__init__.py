"""Static exports: PNG/SVG/PDF and animations, the standalone offline HTML."""
