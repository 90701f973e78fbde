"""What scenario steps share: the app, a seeded RNG, ids by natural name, business time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.app import RedPropertyApp
from domain.metadata import command_context

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class ScenarioContext:
    app: RedPropertyApp
    rng: random.Random = field(default_factory=lambda: random.Random(20201))
    ids: dict[str, UUID] = field(default_factory=dict)  # e.g. "street:北坦街道" -> id
    facts: dict[str, Any] = field(default_factory=dict)  # shared lists (companies, orgs...)

    @contextmanager
    def at(
        self, when: datetime | str, actor: str = "demo-loader", role: str = "district_admin"
    ) -> Iterator[None]:
        """Run commands as if they happened at `when` (Asia/Shanghai if naive)."""
        moment = datetime.fromisoformat(when) if isinstance(when, str) else when
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        with command_context(
            actor_id=actor, role=role, scope="*", channel="demo", occurred_at=moment.isoformat()
        ):
            yield
