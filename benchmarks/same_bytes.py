"""Render the same random, edge-case data with two checkouts and compare every file byte for byte.

For speed changes that must not change a single output byte (caches, shortcuts, new sort keys):
each seed makes a small partners file aimed at them (headings alike on a page and across pages,
names that slug to nothing, ties in dates, names and ids such as r-2 and r-10, every order of
stages, HTML, Markdown and URL specials in names, consent mixed, business given, events, the
due list's limit). Each checkout renders every seed in one process, as ``mkdocs serve`` renders
again and again, at two ``as_of`` days; the sha256 of every generated file and the render memo's
data digests are compared. Exits 1 and names the seeds, days and files that differ; ``--show
SEED`` prints a seed's partners file to reproduce one.

    .venv/bin/python benchmarks/same_bytes.py --before /tmp/base --seeds 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PROSPECTS = [
    "Giving back", "Your referrals", "giving back", "GIVING BACK", "Gíving back", "Giving  back",
    "Your referrals_1", "your-referrals", "Introduce someone", "Coming up", "Your referral tree",
    "Thank you, Anne", "!!!", "🎉", "🎉🎉", "李雷", "王芳", "Prospect 2", "Prospect 10", "prospect 2",
    "Prospect 02", "A & B <c> \"q\" 'x' % # ? + y", "Zoë Ällen", "Zoe Allen", "Dana Wu", "Dana Wu",
    "שרה לוי", "عمر الفاروق", "_", "-", "id_1", "*bold* [x](y)", "50% off #1?", "O'Brien & Sons",
    "a+b c/d", "Ωmega", "1", "10", "2",
]  # fmt: skip
PARTNER_NAMES = [
    "Anne Ortiz", "anne ortiz", "Ánne Ortiz", "Bob & <Co>", "Steve \"Q\" Hall", "O'Neil %20 #x ?y=1+2",
    "李雷", "🎉 Party", "!!!", "Zoë", "Dana Wu", "Dana Wu", "שרה לוי", "Partner 2", "Partner 10",
    "Giving back", "Your referrals",
]  # fmt: skip
STAGES = ["contacted", "met", "proposal", "won", "lost"]


class _NoAliases(yaml.SafeDumper):
    """The generator refuses YAML aliases; PyYAML writes one for a date used twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _partners(rng: random.Random, today: dt.date) -> list[dict[str, Any]]:
    ids = [f"p-{number}" for number in rng.sample(range(1, 200), rng.randint(1, 25))]
    partners = []
    for index, partner_id in enumerate(ids):
        partner: dict[str, Any] = {
            "id": partner_id,
            "name": rng.choice(PARTNER_NAMES),
            "public": rng.random() < 0.5,
        }
        if rng.random() < 0.5:
            partner["since"] = _day(rng, dt.date(2023, 1, 1), today)
        if index and rng.random() < 0.5:
            partner["referred_by"] = ids[rng.randrange(index)]
        if rng.random() < 0.4:
            partner["company"] = rng.choice(["Ortiz & Lane", "<Co> 'x'", "Giving back"])
        if rng.random() < 0.2:
            partner["greeting"] = rng.choice(["Giving back", "!!!", "Anne"])
        partners.append(partner)
    return partners


def _updates(rng: random.Random, introduced: dt.date, today: dt.date) -> list[dict[str, Any]]:
    updates, day = [], introduced
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
        if rng.random() < 0.6:  # else the same day as the update before: ties
            day = _day(rng, day, min(today, day + dt.timedelta(days=200)))
        update: dict[str, Any] = {"date": day, "stage": rng.choice(STAGES)}
        if rng.random() < 0.4:
            update["note"] = rng.choice(["Great & <fast>", "ok", "call 'back'"])
        updates.append(update)
    return updates


def _referrals(rng: random.Random, partner_ids: list[str], today: dt.date) -> list[dict[str, Any]]:
    days = [_day(rng, dt.date(2024, 1, 1), today) for _ in range(4)]  # few days: ties
    referrals: dict[str, dict[str, Any]] = {}
    for number in rng.sample(range(1, 120), rng.randint(0, 60)):
        introduced = rng.choice(days) if rng.random() < 0.6 else _day(rng, dt.date(2024, 1, 1), today)
        referral = {
            "id": rng.choice([f"r-{number}", f"r-0{number}"]),
            "partner": rng.choice(partner_ids[: max(1, len(partner_ids) - 1)]),  # the last: none
            "prospect": rng.choice(PROSPECTS),
            "introduced": introduced,
            "public": rng.random() < 0.5,
            "method": rng.choice([None, "name", "letter", "call", "lunch"]),
            "updates": _updates(rng, introduced, today),
        }
        referrals.setdefault(referral["id"], {key: value for key, value in referral.items() if value})
    return list(referrals.values())


def dataset(seed: int) -> tuple[str, dt.date]:
    """A seed's partners file, and the day it is valid on."""
    rng = random.Random(seed)
    today = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    newsletter: dict[str, Any] = {
        "title": "News & <views>",
        "owner": rng.choice(["Mark Rodgers", "Zoë O'Hara & Co"]),
    }
    if rng.random() < 0.8:
        newsletter["email"] = rng.choice(["mark@example.com", "o'hara+news@example.com"])
    if rng.random() < 0.5:
        newsletter["due_after_days"] = rng.choice([1, 7, 30, 90])
    partners = _partners(rng, today)
    ids = [partner["id"] for partner in partners]
    data: dict[str, Any] = {
        "newsletter": newsletter,
        "partners": partners,
        "referrals": _referrals(rng, ids, today),
    }
    given = [
        {
            "partner": rng.choice(ids),
            "date": _day(rng, dt.date(2024, 1, 1), today),
            "to": rng.choice(PROSPECTS),
        }
        for _ in range(rng.randint(0, 4))
    ]
    if given:
        data["given"] = given
    if rng.random() < 0.5:
        data["events"] = [
            {
                "date": _day(rng, dt.date(2024, 1, 1), today + dt.timedelta(days=300)),
                "title": rng.choice(PROSPECTS),
            }
        ]
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), today


def render_seeds(seeds: range) -> dict[str, Any]:
    """Every seed rendered by the generator on sys.path, in this one process."""
    from generator.render import SiteLayout, render_site
    from generator.render_memo import data_digests
    from generator.validate import load_partners

    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        data_file = Path(folder) / "partners.yaml"
        for seed in seeds:
            text, today = dataset(seed)
            data_file.write_text(text, encoding="utf-8")
            data = load_partners(data_file, today)
            digests = data_digests(data)
            seen: dict[str, Any] = {"digests": [digests.shared.hex(), digests.names.hex()]}
            seen["own"] = {partner: own.hex() for partner, own in sorted(digests.own.items())}
            for as_of in (today, today + dt.timedelta(days=40)):
                pages = render_site(data, SiteLayout(as_of=as_of, secret=b"same-bytes secret, 32 bytes long"))
                seen[str(as_of)] = {
                    path: hashlib.sha256(page.encode()).hexdigest() for path, page in pages.items()
                }
            found[str(seed)] = seen
    return found


def _rendered_by(checkout: Path, seeds: range) -> dict[str, Any]:
    environ = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, __file__, "--render", str(seeds.start), str(seeds.stop)]
    run = subprocess.run(command, cwd=checkout, env=environ, capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(run.stdout)
    return found


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for seed, seen in before.items():
        for part, value in seen.items():
            other = after[seed][part]
            if value != other:
                files = sorted(path for path in {*value, *other} if value.get(path) != other.get(path))
                lines.append(f"seed {seed}, {part}: {', '.join(files[:5])}{' …' if len(files) > 5 else ''}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=HERE.parent, help="default: this checkout")
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--show", type=int, metavar="SEED", help="print a seed's partners file and stop")
    parser.add_argument("--render", type=int, nargs=2, help=argparse.SUPPRESS)  # one checkout's half
    args = parser.parse_args()
    if args.show is not None:
        text, today = dataset(args.show)
        print(f"# valid on {today}\n{text}", end="")
        return 0
    if args.render:
        print(json.dumps(render_seeds(range(*args.render))))
        return 0
    if args.before is None:
        parser.error("--before is required")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    found = differences(_rendered_by(args.before.resolve(), seeds), _rendered_by(args.after.resolve(), seeds))
    if found:
        print(*found, sep="\n")
        return 1
    print(f"{len(seeds)} seeds, two days each: every file and digest identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
