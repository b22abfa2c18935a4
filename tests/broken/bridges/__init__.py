"""Defective variants of the reference bridge, one realistic defect each, one module per area.

Each defect is declared where it is defined (`@defect`, registry.py) with the catalogue
requirements the suites must fail on it; tests/broken/test_broken.py runs them.
"""
