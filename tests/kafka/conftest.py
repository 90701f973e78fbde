"""A real Kafka-protocol broker (Tansu, memory storage) for the Kafka tests.

Skipped when the broker cannot start, unless REDPROP_REQUIRE_KAFKA=1 (CI): then it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from infra.bootstrap import System, build_system
from infra.database import make_engine
from infra.kafka_projection import KafkaProjectionRunner, worker_mapper
from infra.kafka_relay import KafkaRelay
from infra.settings import Settings
from infra.tansu import Tansu
from projections.org_registry import OrgRegistryProjection, org_units

REQUIRE_KAFKA = os.environ.get("REDPROP_REQUIRE_KAFKA") == "1"


def _start() -> Tansu:
    try:
        return Tansu().start()
    except Exception as exc:  # noqa: BLE001
        if REQUIRE_KAFKA:
            pytest.fail(f"Kafka is required (REDPROP_REQUIRE_KAFKA=1) but: {exc}")
        pytest.skip(f"Tansu broker unavailable: {exc}")


@pytest.fixture(scope="session")
def broker() -> Iterator[Tansu]:
    """One broker for the session; each test uses its own topic."""
    tansu = _start()
    yield tansu
    tansu.stop()


@pytest.fixture
def own_broker() -> Iterator[Tansu]:
    """A broker this test may stop and restart."""
    tansu = _start()
    yield tansu
    tansu.stop()


@pytest.fixture
def kafka_system(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> Iterator[System]:
    tansu = request.getfixturevalue(getattr(request, "param", "broker"))
    settings = make_settings(
        kafka_bootstrap=tansu.bootstrap,
        kafka_topic=f"t-{uuid.uuid4().hex[:10]}",
    )
    system = build_system(settings)
    system.extra["tansu"] = tansu
    yield system
    system.close()


def make_relay(system: System, **kwargs: Any) -> KafkaRelay:
    kwargs.setdefault("flush_timeout", 3.0)
    kwargs.setdefault("backoff", (0.05, 0.5))
    return KafkaRelay(system.app, system.write_engine, system.settings, **kwargs)


@pytest.fixture
def view_engine(tmp_path: Any) -> Iterator[Engine]:
    """The Kafka-fed worker's own view database (another machine, in production)."""
    engine = make_engine(f"sqlite:///{tmp_path}/kafka-view.db", immediate=True)
    yield engine
    engine.dispose()


def make_worker(system: System, engine: Engine, **kwargs: Any) -> KafkaProjectionRunner:
    return KafkaProjectionRunner(
        worker_mapper(), engine, OrgRegistryProjection(), system.settings, **kwargs
    )


def rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            dict(r) for r in conn.execute(select(org_units).order_by(org_units.c.id)).mappings()
        ]
