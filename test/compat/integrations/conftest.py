"""Fixtures for the LangChain / LlamaIndex suite: the address of the Quiver server under test
(QUIVER_ADDRESS, set by test/compat/integrations.test.ts) and a fresh collection name per test."""
import os
import uuid

import pytest


@pytest.fixture(scope="session")
def uri():
    address = os.environ.get("QUIVER_ADDRESS")
    if not address:
        pytest.fail("QUIVER_ADDRESS is not set: run this suite through test/compat/integrations.test.ts")
    return f"http://{address}"


@pytest.fixture()
def name():
    return "c_" + uuid.uuid4().hex[:12]
