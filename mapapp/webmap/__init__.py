"""The interactive map: its payload, the folium map, the browser assets, the page's downloads."""
