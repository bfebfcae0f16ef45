"""The browser test's own helper: a step that fails leaves a screenshot of the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.browser import browser_page, chromium


async def test_a_failing_step_leaves_a_screenshot_of_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    executable = chromium()
    monkeypatch.setenv("SCREENSHOTS_DIR", str(tmp_path))

    async def failing_step() -> None:
        async with browser_page(executable, "failed-step") as page:
            await page.set_content("<h1>What the page showed</h1>")
            raise AssertionError("a step failed")

    with pytest.raises(AssertionError, match="a step failed"):
        await failing_step()
    assert (tmp_path / "failed-step.png").read_bytes().startswith(b"\x89PNG")
