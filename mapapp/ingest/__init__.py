"""Curated tables and collections → validated rows → ``geodata/``: the build step."""
