"""The chaos bench (``bench/chaos.py``) in small: two applicants apply in Telegram on SQLite while
two apply in Slack on PostgreSQL, side by side; each bot is killed three times and the staff
destination fails for a while (500s, 429s, then the platform refuses connections for 4 s). Nothing may be lost,
applied twice or left unanswered, and each dossier must reach staff exactly once. (The other two
pairings, and ten applicants with twenty kills, are the bench's: about 35 s here, and the four
pairings side by side took a minute on two cores.)"""

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
    staff_down=1,
    rate_limited=2,
    refused=4,  # longer than the senders retry by themselves
    handoff_timeout=30,
    settle=0.5,
)


@pytest.mark.postgres
async def test_killed_bots_and_a_staff_outage_lose_nothing_and_hand_each_dossier_over_once(
    sqlite_url: str, postgres_admin: Engine, postgres_template: str, tmp_path: Path
):
    with _postgres_database(postgres_admin, postgres_template) as postgres_url:
        async with asyncio.TaskGroup() as runs:  # one failing stops the others, and their bots
            tasks = [
                runs.create_task(run_scenario(name, CONFIG, url, database, tmp_path / name))
                for name, database, url in (("telegram", "sqlite", sqlite_url), ("slack", "postgresql", postgres_url))
            ]
    for result in (task.result() for task in tasks):
        run = f"{result.scenario} on {result.database}"
        assert result.problems == [], run
        assert (result.lost, result.twice, result.missing) == (0, 0, 0), run
        assert (result.delivered, result.expected, result.duplicated) == (2, 2, 0), run
        assert result.exact == 2, run
        assert result.kills == CONFIG.kills, run
