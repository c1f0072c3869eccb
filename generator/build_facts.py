"""What a build shows of the data besides the pages: the ``newsletter:`` settings (the header's
name and logo, the feed's title and author) and the referrals due an update (the build log).

A build in which nothing changed renders nothing, yet loading the whole data file for these
cost 0.17-0.3 s at 1,000 partners, the largest part of the plugin's share of such a build. So
they are recorded in the state folder, private like the secret, under the render stamp's
digest of the inputs (which covers the data, the code and the date): for other inputs the
record is ignored and the data is loaded. The record holds the newsletter's own settings and the
ids of the first due referrals and of their partners: no name, note or address.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .due import first_due
from .models import Newsletter, PartnersFile
from .record_files import record_bytes
from .write_undo import replace_file

RECORD_VERSION = 1
DUE_SHOWN = 10  # a build log is read at a glance; `python -m generator due` lists them all


@dataclass(frozen=True)
class BuildFacts:
    newsletter: Newsletter
    due_shown: tuple[str, ...]  # the first DUE_SHOWN referrals due an update, described
    due_count: int


def facts_of(data: PartnersFile, as_of: dt.date) -> BuildFacts:
    shown, count = first_due(data, as_of, DUE_SHOWN)
    return BuildFacts(data.newsletter, tuple(item.describe() for item in shown), count)


def write_record(record_file: Path, inputs: str, facts: BuildFacts) -> None:
    content = {
        "version": RECORD_VERSION,
        "inputs": inputs,
        "newsletter": facts.newsletter.model_dump(mode="json"),
        "due_shown": list(facts.due_shown),
        "due_count": facts.due_count,
    }
    replace_file(record_file, (json.dumps(content, sort_keys=True) + "\n").encode("utf-8"))


def read_record(record_file: Path, inputs: str) -> BuildFacts | None:
    """The facts recorded for exactly these inputs; None for a missing, unreadable, edited or
    older record (then the data is loaded, with the same result)."""
    try:
        content = json.loads(record_bytes(record_file))
        if content["version"] != RECORD_VERSION or content["inputs"] != inputs or not inputs:
            return None
        due_shown, due_count = content["due_shown"], content["due_count"]
        if not all(isinstance(line, str) for line in due_shown) or type(due_count) is not int:
            return None
        return BuildFacts(Newsletter.model_validate(content["newsletter"]), tuple(due_shown), due_count)
    # pydantic's ValidationError is a ValueError; RecursionError: JSON nested thousands deep.
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
