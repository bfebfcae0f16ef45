"""The chaos bench (``bench/chaos.py``) in small: two applicants apply in Telegram and two in Slack,
on SQLite and on PostgreSQL, all four runs side by side, while each bot is killed three times and
the staff destination fails for a while (500s, 429s, then connections refused); nothing may be
lost, applied twice or left unanswered, and each dossier must reach staff exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bench.chaos import Config, run_scenario
from tests.databases import _postgres_database

CONFIG = Config(
    applicants=2,
    kills=3,
    seed=11,
    kill_every=1.5,
    staff_down=1,
    rate_limited=2,
    refused=1,
    handoff_timeout=30,
    settle=0.5,
)


@pytest.mark.postgres
async def test_killed_bots_and_a_staff_outage_lose_nothing_and_hand_each_dossier_over_once(
    sqlite_url: str, postgres_admin: Engine, postgres_template: str, tmp_path: Path
):
    with _postgres_database(postgres_admin, postgres_template) as postgres_url:
        runs = [
            run_scenario(name, CONFIG, url, database, tmp_path / f"{name}-{database}")
            for name in ("telegram", "slack")
            for database, url in (("sqlite", sqlite_url), ("postgresql", postgres_url))
        ]
        results = await asyncio.gather(*runs)
    for result in results:
        run = f"{result.scenario} on {result.database}"
        assert result.problems == [], run
        assert (result.lost, result.twice, result.missing) == (0, 0, 0), run
        assert (result.delivered, result.expected, result.duplicated) == (2, 2, 0), run
        assert result.exact == 2, run
        assert result.kills == CONFIG.kills, run
