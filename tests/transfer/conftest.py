"""Planner tests act as a planner: imports, exports and the siting check need that role."""

import pytest


@pytest.fixture(autouse=True)
def _signed_in(as_planner):
    return as_planner
