"""The chaos bench (``bench/chaos.py``) in small: two applicants in Telegram and two in Slack apply
side by side while each bot is killed three times and the staff destination fails for a while;
nothing may be lost, applied twice or left unanswered, and each dossier reaches staff once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.chaos import Config, run_scenario

CONFIG = Config(
    applicants=2,
    kills=3,
    seed=11,
    kill_every=1.5,
    staff_down=2,
    rate_limited=2,
    refused=1,
    handoff_timeout=30,
    settle=1,
)


async def test_killed_bots_and_a_staff_outage_lose_nothing_and_hand_each_dossier_over_once(
    database_url: str, tmp_path: Path
):
    results = await asyncio.gather(
        *(run_scenario(name, CONFIG, database_url, "", tmp_path / name) for name in ("telegram", "slack"))
    )
    for result in results:
        assert result.problems == [], result.scenario
        assert (result.lost, result.twice, result.missing) == (0, 0, 0), result.scenario
        assert (result.delivered, result.expected, result.duplicated) == (2, 2, 0), result.scenario
        assert result.exact == 2, result.scenario
        assert result.kills == CONFIG.kills, result.scenario
