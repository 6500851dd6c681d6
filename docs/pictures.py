"""Regenerate the documentation's pictures from the project's own runs, never by hand.

One local reference stack (a scratch database on the usual PostgreSQL provider, moto, one
server) is started; on it:

- the booking page and the staff calendar, on a desktop and on a phone (Playwright on the
  machine's Chromium, after a few bookings in every status through the API);
- a short Locust race (few users, 10 s), whose CSV files the readiness report's own plotting
  code (`checklists/plots.py`) draws as the latency pictures;
- a checklist run of the sections that need no browser suite, whose HTML readiness report is
  photographed.

Run from the repository root: `nox -s docs-pictures`, or `python docs/pictures.py [--out DIR]`.
PNGs are reduced to a 256-colour palette so the repository stays small.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts docs/ first on the path; the browser helpers of e2e/ (not an
# installed package) are found from the repository root.
sys.path.insert(0, str(ROOT))

from checklists.plots import load_plots  # noqa: E402
from e2e.browsers import CHROMIUM_ARGS, find_chromium  # noqa: E402
from harness.adapters.reference_client import BookingApi  # noqa: E402
from reference_app.local.stack import local_stack  # noqa: E402

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# Playwright's iPhone 13, drawn at twice the CSS pixels rather than three times: sharp enough,
# a third of the bytes.
PHONE_DEVICE = "iPhone 13"
PHONE_SCALE = 2
# Sections of the checklist that run no browser suite or load race: quick on a local stack.
CHECKLIST_SECTIONS = "Infrastructure,Monitoring,Team readiness,Team sign-off"
# Relative to the repository root (the run's working folder): the report shows the paths as given.
CHECKLIST = "checklists/preproduction.toml"
SIGN_OFFS = "checklists/examples/local-sign-offs.toml"


def save_small(source: Path, out: Path) -> Path:
    """The picture as a palette PNG (screenshots and plots have few colours)."""
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256).save(out, optimize=True)
    return out


def next_monday() -> date:
    """The Monday at least two days ahead: a working week inside any booking window."""
    day = date.today() + timedelta(days=2)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def book_every_status(api: BookingApi, services: dict[str, str], admin: dict[str, str], day: date) -> None:
    """A week on the calendar with a job in each status, booked and moved through the API."""
    if api.login(admin["email"], admin["password"]).status_code != 200:
        raise SystemExit("cannot sign in as the stack's admin")
    answer = api.availability(services["standard"], day, day + timedelta(days=3)).json()
    slots = [slot for slot in answer["slots"] if slot["remaining"] > 0]
    # Every third free slot, so bookings of different lengths do not meet.
    starts = [slot["startTime"] for slot in slots[::3]]
    names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]
    moves: list[list[tuple[str, str | None]]] = [
        [],
        [("start", None)],
        [("start", None), ("complete", None)],
        [("cancel", "Client moved away")],
        [],
    ]
    for name, start, actions in zip(names, starts, moves, strict=False):
        booked = api.book(
            services["standard"], start, name=name, email=f"{name.split()[0].lower()}@example.com"
        )
        if booked.status_code != 201:
            print(f"pictures: booking {start} answered {booked.status_code}", file=sys.stderr)
            continue
        job_id = booked.json()["job"]["id"]
        for action, reason in actions:
            api.act(job_id, action, reason)
    pending_slots = api.availability(
        services["consultation"], day + timedelta(days=4), day + timedelta(days=4)
    )
    free = pending_slots.json()["slots"]
    if free:
        api.book(
            services["consultation"],
            free[len(free) // 2]["startTime"],
            name="Katherine Johnson",
            email="katherine@example.com",
        )


def photograph_pages(
    browser: Browser, phone_device: dict[str, Any], target: dict[str, Any], day: date, out: Path, work: Path
) -> list[Path]:
    """The booking page with a time chosen, and the calendar's week, on a desktop and a phone."""
    made: list[Path] = []
    base = target["baseUrl"]
    admin = target["admin"]
    phone = {**phone_device, "device_scale_factor": PHONE_SCALE}
    for label, options in (("desktop", DESKTOP), ("phone", phone)):
        context = browser.new_context(base_url=base, **options)
        page = context.new_page()
        page.goto(f"/book/{target['services']['standard']}")
        page.get_by_test_id("date-picker").fill((day + timedelta(days=1)).isoformat())
        page.get_by_test_id("slot").first.wait_for()
        page.get_by_test_id("slot").nth(2).check()
        page.get_by_label("Name", exact=True).fill("Mary Jackson")
        page.get_by_label("Email", exact=True).fill("mary@example.com")
        # A phone shows the whole page by scrolling: so does its picture.
        full = label == "phone"
        made.append(
            shoot(page, work / f"booking-{label}.png", out / f"booking-page-{label}.png", full_page=full)
        )
        page.goto("/login")
        page.get_by_label("Email", exact=True).fill(admin["email"])
        page.get_by_label("Password", exact=True).fill(admin["password"])
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/schedule**")
        page.goto(f"/schedule?view=week&date={day.isoformat()}")
        page.get_by_test_id("calendar").wait_for()
        made.append(
            shoot(page, work / f"calendar-{label}.png", out / f"calendar-{label}.png", full_page=full)
        )
        context.close()
    return made


def shoot(page: Page, raw: Path, out: Path, *, full_page: bool = False) -> Path:
    # No focus ring on the last field typed into: the picture is of the page, not the cursor.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(raw), full_page=full_page)
    return save_small(raw, out)


def run(command: list[str], log: Path, allowed: tuple[int, ...] = (0,)) -> None:
    with log.open("w", encoding="utf-8") as fh:
        code = subprocess.run(command, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    if code not in allowed:
        raise SystemExit(f"{' '.join(command[:4])} ... exited {code}; see {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pictures")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium (CHROMIUM_PATH, /usr/bin/chromium or PATH); nothing downloads one")
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="docs-pictures-") as tmp:
        work = Path(tmp)
        with local_stack(log_dir=work / "logs") as stack:
            target = stack.target_json()
            target_file = work / "target.json"  # holds credentials: kept in the temporary folder
            target_file.write_text(json.dumps(target), encoding="utf-8")
            day = next_monday()
            with BookingApi(target["baseUrl"]) as api:
                book_every_status(api, target["services"], target["admin"], day)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                made += photograph_pages(browser, playwright.devices[PHONE_DEVICE], target, day, out, work)
                python = sys.executable
                load_dir = work / "load"
                run(
                    [
                        python,
                        "-m",
                        "load",
                        "run",
                        "--scenario",
                        "race",
                        "--users",
                        "5",
                        "--duration",
                        "10s",
                        "--target-file",
                        str(target_file),
                        "--results-dir",
                        str(load_dir),
                    ],
                    work / "load.log",
                )
                for plot in load_plots(load_dir, work / "plots").values():
                    made.append(save_small(plot, out / plot.name))
                report_dir = work / "checklist"
                # 1: a check failed (a build machine lacks what some items need); the report is
                # still the one a reader should see.
                run(
                    [
                        python,
                        "-m",
                        "checklists",
                        "run",
                        "--target-file",
                        str(target_file),
                        "--checklist",
                        CHECKLIST,
                        "--only",
                        CHECKLIST_SECTIONS,
                        "--attestations",
                        SIGN_OFFS,
                        "--report-dir",
                        str(report_dir),
                    ],
                    work / "checklist.log",
                    allowed=(0, 1),
                )
                page = browser.new_page(viewport={"width": 1100, "height": 1000})
                page.goto((report_dir / "readiness.html").as_uri())
                made.append(shoot(page, work / "readiness.png", out / "readiness-report.png"))
                browser.close()
    for path in made:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
