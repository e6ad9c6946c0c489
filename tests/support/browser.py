"""What every browser test shares: Debian's Chromium, and the marks that run it or say why not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: ``pytestmark = BROWSER`` in a module of browser tests.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (.ci/run installs it)"),
]
