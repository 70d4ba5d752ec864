import pytest


def pytest_collection_modifyitems(config, items):
    # Benchmarks run with `make bench`; `make test` deselects them (-m "not bench").
    for item in items:
        if "tests/bench/" in str(item.fspath):
            item.add_marker(pytest.mark.bench)
