"""A PostgreSQL server for the store tests: the one .ci/run starts (apt's postgresql on
localhost, role and database xlcrm / xlcrm_test), or the one XLCRM_TEST_POSTGRES names.

``pg_url()`` gives the URL of a fresh schema (dropped after the test). Where no server
answers, the test skips with the reason, except under CI=true, where it fails: CI must
test against a real server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

DEFAULT = "postgresql://xlcrm:xlcrm@localhost:5432/xlcrm_test"


def server_url() -> str:
    return os.environ.get("XLCRM_TEST_POSTGRES", DEFAULT)


def _unreachable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is not reachable at {server_url()} ({why}); .ci/run must start it")
    pytest.skip(f"no PostgreSQL server at {server_url()} ({why}); bash .ci/run starts one")


@contextmanager
def fresh_schema() -> Iterator[str]:
    """The URL of a new, empty schema on the test server; dropped afterwards."""
    import psycopg

    try:
        admin = psycopg.connect(server_url(), connect_timeout=5, autocommit=True)
    except psycopg.Error as exc:
        _unreachable(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in server_url() else "?"
    try:
        yield f"{server_url()}{sep}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()
