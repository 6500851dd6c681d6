"""The pages' Jinja2 environment: autoescaping always on, undefined names an error, and the few
formatting helpers the templates share."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from reference_app.pages.calendar import STATUS_LABELS, STATUS_SHORT_LABELS

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def schedule_url(view: str, day: date | str, job: Any = None, **extra: str) -> str:
    params: dict[str, str] = {"view": view, "date": str(day)}
    if job is not None:
        params["job"] = str(job)
    params.update(extra)
    return "/schedule?" + urlencode(params)


def local_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M")


def local_datetime(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%a %-d %b %Y, %H:%M")


def status_label(status: str, short: bool = False) -> str:
    return (STATUS_SHORT_LABELS if short else STATUS_LABELS).get(status, status)


def page_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(local_time=local_time, local_datetime=local_datetime, status_label=status_label)
    env.globals.update(schedule_url=schedule_url, status_labels=STATUS_LABELS)
    return env


def page_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine(engine_instance=page_environment()))
