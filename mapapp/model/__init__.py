"""The validated model read back from ``geodata/`` and the questions asked of it (time, trails, search, layers, view state)."""
