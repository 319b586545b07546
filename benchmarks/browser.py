"""How fast the page trains and draws, in headless Chromium against a real server.

For each network, 3 runs of 15 s of play at speed "max" (or --speed) after a 2 s warm-up: epochs
per second (the page's epoch counter), frames drawn per second and the page's milliseconds of
drawing per frame, its maps' computing included (both counted by the page, window.lernmi).
Prints the medians beside the targets and TensorFlow Playground's ceiling (one epoch per
animation frame: at most ~60 epochs/s).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m benchmarks.browser [--quick] [--speed 1]
"""

import argparse
import signal
import statistics
import time
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from benchmarks.harness import spawn

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
NETWORKS = [  # name, hash, epochs/s target, frames/s target
    ("default (x, y; 4, 2) on circle", "#dataset=circle&seed=0.1", 300, 30),
    (
        "largest (7 features; 6 × 8) on spiral",
        "#dataset=spiral&seed=0.1&networkShape=8,8,8,8,8,8&xSquared=true&ySquared=true"
        "&xTimesY=true&sinX=true&sinY=true",
        150,
        30,
    ),
]


def sample(page: Page) -> tuple[float, int, int, float]:
    epoch = int((page.text_content("#epoch") or "0").replace(",", ""))
    drawn, ms = page.evaluate("[window.lernmi.framesDrawn, window.lernmi.drawMs]")
    return time.monotonic(), epoch, int(drawn), float(ms)


def run(
    page: Page, url: str, hash_: str, seconds: float, speed: str = "max"
) -> tuple[float, float, float]:
    page.goto(f"{url}/{hash_}")
    page.wait_for_function("document.querySelector('#status').textContent === 'live'")
    page.select_option("#speed", speed)
    page.click("#play")
    page.wait_for_timeout(2000)
    t0, e0, f0, ms0 = sample(page)
    page.wait_for_timeout(seconds * 1000)
    t1, e1, f1, ms1 = sample(page)
    page.click("#play")
    return (e1 - e0) / (t1 - t0), (f1 - f0) / (t1 - t0), (ms1 - ms0) / max(1, f1 - f0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="one run of 3 s per network")
    parser.add_argument(
        "--speed", default="max", choices=["1", "5", "20", "100", "max"], help="epochs per frame"
    )
    args = parser.parse_args()
    runs, seconds = (1, 3.0) if args.quick else (3, 15.0)
    server, url = spawn()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            print(
                f"{'network':40s} {'epochs/s':>9s} {'target':>7s} {'frames/s':>9s} {'target':>7s}"
                f" {'draw ms':>8s}"
            )
            for name, hash_, epochs_target, frames_target in NETWORKS:
                results = []
                for _ in range(runs):
                    # Playwright's waits use eval, which the page's CSP forbids.
                    viewport: ViewportSize = {"width": 1280, "height": 800}
                    context = browser.new_context(viewport=viewport, bypass_csp=True)
                    results.append(run(context.new_page(), url, hash_, seconds, args.speed))
                    context.close()
                epochs = statistics.median(r[0] for r in results)
                frames = statistics.median(r[1] for r in results)
                draw_ms = statistics.median(r[2] for r in results)
                met = "met" if epochs >= epochs_target and frames >= frames_target else "missed"
                print(
                    f"{name:40s} {epochs:9.0f} {'≥' + str(epochs_target):>7s} {frames:9.1f}"
                    f" {'≥' + str(frames_target):>7s} {draw_ms:8.2f}  {met}"
                )
            print("TF Playground: one epoch per animation frame, at most ~60 epochs/s")
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
