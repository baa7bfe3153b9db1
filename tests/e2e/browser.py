"""Headless Chromium for page tests: Debian's chromium + chromium-driver, driven by selenium.

The fixture named `browser` (``chromium_session``) is registered for the tests of this folder by
its conftest; the helpers are imported from this plain module by the tests that use them.
Nothing is ever downloaded: the driver is given explicitly, so Selenium Manager stays idle, and
Chromium's background services are switched off.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
    "--lang=zh-CN",
)

T = TypeVar("T")


def chrome_options(user_data_dir: Path) -> Options:
    """Chromium options: headless, quiet, a fresh profile, console and network logs kept."""
    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return options


def start_browser(user_data_dir: Path) -> WebDriver:
    """Start headless Chromium through /usr/bin/chromedriver."""
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=chrome_options(user_data_dir))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture(scope="session", name="browser")
def chromium_session() -> Iterator[WebDriver]:
    """One headless Chromium for the session (fresh profile), quit at the end."""
    profile = Path(tempfile.mkdtemp(prefix="plankg-chromium-"))
    driver = start_browser(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: WebDriver, url: str) -> None:
    """Load a URL with an empty log, so later checks see this page's messages only."""
    drain_logs(driver)
    driver.get(url)


def drain_logs(driver: WebDriver) -> None:
    """Discard the console and network log entries gathered so far."""
    driver.get_log("browser")
    driver.get_log("performance")


def console_errors(driver: WebDriver) -> list[dict[str, Any]]:
    """Console messages at SEVERE level (uncaught JS errors, failed loads) since the last drain."""
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the page asked the network for since the last drain (Chrome performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign_urls(urls: list[str], base_url: str) -> list[str]:
    """Network URLs that leave `base_url`'s origin (data:, blob:, chrome: stay in the browser)."""
    origin = urlsplit(base_url)[:2]
    return [
        url
        for url in urls
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url)[:2] != origin
    ]


def wait_for(
    condition: Callable[[], T | None], what: str = "", timeout: float = 20.0, interval: float = 0.1
) -> T:
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or condition.__name__}")
        time.sleep(interval)


def base(url: str) -> str:
    """The server's base URL with exactly one trailing slash."""
    return url.rstrip("/") + "/"


def forget_kept_tabs(driver: WebDriver, url: str) -> None:
    """Drop the tabs the workbench keeps in localStorage, from another page of the site (so that
    the workbench does not save its open tab again on the way out)."""
    open_page(driver, base(url) + "plans")
    driver.execute_script("localStorage.clear()")


def load_workbench(driver: WebDriver, url: str) -> None:
    """Open the workbench and wait until YASGUI has drawn its tabs and editor."""
    open_page(driver, url)
    wait_for(lambda: driver.execute_script(
        "return !!(window.plankgWorkbench && document.querySelector('.tabPanel.active .CodeMirror'))"),
        "YASGUI to draw")


def fresh_workbench(driver: WebDriver, url: str) -> None:
    """The workbench with none of the tabs an earlier test left."""
    forget_kept_tabs(driver, url)
    load_workbench(driver, base(url))


@pytest.fixture(autouse=True)
def forget_tabs(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each browser test of a module that imports this, drop the tabs it left: later pages of
    the session (other modules share the browser) start from the workbench's first tab."""
    yield
    if "browser" in request.fixturenames and "live_server" in request.fixturenames:
        forget_kept_tabs(request.getfixturevalue("browser"), request.getfixturevalue("live_server"))
