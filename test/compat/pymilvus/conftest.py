"""Fixtures for the pymilvus suite: the address of the Quiver server under test (QUIVER_ADDRESS,
set by test/compat/pymilvus.test.ts) and a fresh collection name per test."""
import os
import uuid

import pytest
from pymilvus import MilvusClient, connections


@pytest.fixture(scope="session")
def uri():
    address = os.environ.get("QUIVER_ADDRESS")
    if not address:
        pytest.fail("QUIVER_ADDRESS is not set: run this suite through test/compat/pymilvus.test.ts")
    return f"http://{address}"


@pytest.fixture(scope="session")
def orm(uri):
    connections.connect("default", uri=uri, timeout=10)
    yield
    connections.disconnect("default")


@pytest.fixture()
def client(uri):
    c = MilvusClient(uri=uri, timeout=10)
    yield c
    c.close()


@pytest.fixture()
def name():
    return "c_" + uuid.uuid4().hex[:12]
