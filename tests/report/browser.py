"""The report page in headless Chromium (Debian's `chromium`): a screenshot and what a reader sees.

The page is shown in an iframe of exactly the width asked for: a headless window is at least 500
pixels wide, wider than a phone. A probe in the framing page (never in the report, which has no
script) measures the laid-out page once it has loaded: its width and the page's scroll width, where
each heading and the verdict sit, every resource the browser fetched, and the rendered text, which
leaves out what a closed <details> hides.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome")
# The framing page's window: the iframe plus room for the browser's own frame.
MIN_WINDOW = 500
FRAME_MARGIN = 120

FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0;background:#888}}
iframe{{border:0;display:block;background:#fff}}</style></head><body>
<iframe id="page" src="{src}" style="width:{width}px;height:{height}px" onload="probe()"></iframe>
<script>
function probe() {{
  const w = document.getElementById('page').contentWindow, d = w.document;
  const box = (e) => {{
    const b = e.getBoundingClientRect();
    return {{top: b.top, bottom: b.bottom}};
  }};
  const out = {{
    width: w.innerWidth, height: w.innerHeight, scrollWidth: d.documentElement.scrollWidth,
    resources: w.performance.getEntriesByType('resource').map(e => e.name),
    headings: [...d.querySelectorAll('h2')].map(h => ({{text: h.textContent, ...box(h)}})),
    verdict: d.querySelector('.verdicts') ? box(d.querySelector('.verdicts')) : null,
    text: d.body.innerText,
  }};
  const pre = document.createElement('pre');
  pre.id = 'probe'; pre.hidden = true; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}}
</script></body></html>
"""
PROBE = re.compile(r'<pre id="probe" hidden="">(.*?)</pre>', re.S)


def find() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def render(chromium: str, page: Path, width: int, height: int, screenshot: Path
           ) -> dict[str, Any]:
    """Load `page` at `width` x `height` CSS pixels, save a screenshot, and return the probe's
    measurements."""
    frame = page.with_name(f"{page.stem}-{width}x{height}.frame.html")
    frame.write_text(FRAME.format(src=page.name, width=width, height=height), encoding="utf-8")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    command = [chromium, "--headless", "--disable-gpu", "--hide-scrollbars",
               # as root (CI containers) Chromium refuses to start without it
               "--no-sandbox",
               # lets the probe read the framed page: both are files in one folder
               "--allow-file-access-from-files",
               f"--window-size={max(width, MIN_WINDOW)},{height + FRAME_MARGIN}",
               f"--screenshot={screenshot}", "--dump-dom", frame.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = PROBE.search(done.stdout)
    if found is None:
        raise AssertionError(f"Chromium gave no measurements (exit {done.returncode}): "
                             f"{done.stderr[-1500:]}")
    return json.loads(html.unescape(found[1]))
