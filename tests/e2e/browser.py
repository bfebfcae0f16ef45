"""A real browser for the web desk's end-to-end test: Debian's Chromium (``apt-get install
chromium``), driven by Playwright through ``executable_path``, so that no browser is downloaded.

Without Chromium the test is skipped and says how to install it; ``.ci/run`` installs it and sets
``BROWSER_TEST_REQUIRED=1``, so that in CI a missing browser fails instead. A failing step leaves a
screenshot of the page in ``SCREENSHOTS_DIR`` (by default ``data/screenshots``). axe-core's rules
check each page the test visits for what keeps a page from being used without a mouse or sight."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
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


async def accessibility_problems(page: Page) -> list[str]:
    """What axe-core's rules (all but its experimental ones: WCAG 2 A and AA, and its best
    practices) find wrong with the page
    shown: each as its rule, what it asks and the first elements that break it."""
    found = await Axe().run(page)
    return [
        f"{rule['id']}: {rule['help']} {[node['target'] for node in rule['nodes'][:3]]}"
        for rule in found.response["violations"]
    ]


async def tab_to(page: Page, name: str, *, most: int = 20) -> None:
    """Move the focus with the Tab key alone to the control called ``name``, as a keyboard user
    would; fail if it is not reached in ``most`` presses."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("() => (document.activeElement.innerText || document.activeElement.value || '')")
        if focused.strip() == name:
            return
    raise AssertionError(f"{name!r} is not reached with the Tab key")
