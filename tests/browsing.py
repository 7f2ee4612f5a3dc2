"""Headless Chromium for the browser tests: a phone by default, screenshots, width checks.

The ``browser`` fixture (tests/conftest.py) skips when Chromium is not installed, unless
VOTING_REQUIRE_BROWSER=1; screenshots go to test-artifacts/<folder>/.
"""

import base64
import os
from pathlib import Path

CHROMIUM = os.environ.get("VOTING_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("VOTING_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: A phone: 375×667 CSS pixels at twice the density, with touch; and a desktop.
PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--window-size=375,667", "--lang=zh-CN")  # fmt: skip


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        return f"{CHROMIUM} or {CHROMEDRIVER} is not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


def start_chromium(profile: str):
    """Chromium with a fresh profile, showing pages as the phone does."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.set_page_load_timeout(30)
    return driver


def shoot(driver, folder: str, name: str) -> None:
    """Save the viewport and the whole page to test-artifacts/<folder>/."""
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(target / f"{name}.png"))
    full = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"captureBeyondViewport": True, "fromSurface": True})  # fmt: skip
    (target / f"{name}-full.png").write_bytes(base64.b64decode(full["data"]))


def fits(driver) -> bool:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
