"""A real browser for the web desk's end-to-end test: Debian's Chromium (``apt-get install
chromium``), driven by Playwright through ``executable_path``, so that no browser is downloaded.

Without Chromium the test is skipped and says how to install it; ``.ci/run`` installs it and sets
``BROWSER_TEST_REQUIRED=1``, so that in CI a missing browser fails instead. A failing step leaves a
screenshot of the page in ``SCREENSHOTS_DIR`` (by default ``data/screenshots``)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]


def chromium() -> str:
    """Where Chromium is (``CHROMIUM_PATH``, else ``chromium`` on the PATH); skip the test, or in CI
    fail it, when it is nowhere."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    missing = "Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)"
    if os.environ.get("BROWSER_TEST_REQUIRED") == "1":
        pytest.fail(missing)
    pytest.skip(missing)


@asynccontextmanager
async def browser_page(executable: str, name: str) -> AsyncIterator[Page]:
    """A page of a fresh headless Chromium (``executable``, found by ``chromium``); if the block
    fails, a screenshot of the page as it was, named ``name``, in ``SCREENSHOTS_DIR``."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable)
        page = await browser.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        except BaseException:
            folder = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "data" / "screenshots"))
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            shot = folder / f"{name}.png"
            await page.screenshot(path=shot, full_page=True)
            print(f"screenshot of the page when the test failed: {shot}")
            raise
        finally:
            await browser.close()
