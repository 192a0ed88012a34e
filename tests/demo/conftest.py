"""Everything here runs on the full demo, seeded once for the whole package: the tests of
seed_demo itself and the browser tests (browser/). The package is one xdist group (see
tests/conftest.py), so one worker runs all of it and seeds the demo once."""

from collections.abc import Iterator

import pytest

from tests.conftest import demo_loaded


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    with demo_loaded(django_db_blocker):
        yield
