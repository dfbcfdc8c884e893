"""Open GIS interfaces: OGC API Features and Tiles (tipg) on the curated views of schema `ogc`."""
