"""Importing records a force has published elsewhere.

`published` reads the grids, `values` parses their cells.
"""
