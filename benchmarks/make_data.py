"""Write a synthetic, valid partners.yaml of N partners for the benchmark.

About 5 referrals per partner with 0-4 updates each (in date order, nothing after won/lost),
a referral tree (``referred_by`` always points to an earlier partner, so there is no cycle),
business given back, two events a month, ~30 % public partners with spotlights, and notes of
realistic length. Deterministic: the same N and seed give the same bytes. Every date lies in
the 24 months before ``TODAY`` (2026-11-20, the ``SOURCE_DATE_EPOCH`` the benchmark uses).

    python benchmarks/make_data.py 1000 -o /tmp/partners.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

TODAY = dt.date(2026, 11, 20)  # SOURCE_DATE_EPOCH 1795132800
SOURCE_DATE_EPOCH = "1795132800"
LAST_DAY = TODAY - dt.timedelta(days=1)
FIRST_DAY = LAST_DAY - dt.timedelta(days=730)
DEFAULT_SEED = 20261120

FIRST = [
    "Anne",
    "Steve",
    "Dana",
    "Luis",
    "Keisha",
    "Tom",
    "Priya",
    "Grace",
    "Omar",
    "Elena",
    "Victor",
    "Hannah",
    "Ikaika",
    "Mei",
    "Jonas",
    "Fatima",
    "Carlos",
    "Ruth",
    "Derek",
    "Aisha",
    "Pavel",
    "Sofia",
    "Malik",
    "Ingrid",
    "Tariq",
    "Yuki",
    "Bernard",
    "Chloe",
    "Desmond",
    "Esther",
    "Felipe",
    "Gwen",
    "Hector",
    "Imogen",
    "Jamal",
    "Kirsten",
    "Leon",
    "Marisol",
    "Nikolai",
    "Odette",
    "Pedro",
    "Quinn",
    "Rosalind",
    "Samir",
    "Thea",
    "Ulrich",
    "Vanessa",
    "Wendell",
    "Ximena",
    "Yusuf",
    "Zelda",
    "Abigail",
    "Bruno",
    "Cecile",
    "Dmitri",
]
LAST = [
    "Ortiz",
    "Hall",
    "Wu",
    "Navarro",
    "Brown",
    "Becker",
    "Shah",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castellano",
    "Petrov",
    "Nakamura",
    "Adeyemi",
    "Fitzgerald",
    "Haddad",
    "Kowalski",
    "Delacroix",
    "Sorensen",
    "Bianchi",
    "Oyelaran",
    "Takahashi",
    "Iversen",
    "Mendoza",
    "Radcliffe",
    "Szabo",
    "Vasquez",
    "Whitlock",
    "Abernathy",
    "Baptiste",
    "Chaudhry",
    "Dubois",
    "Engstrom",
    "Ferreira",
    "Gallagher",
    "Hoffmann",
    "Ishikawa",
    "Jankowski",
    "Kavanagh",
    "Lachance",
    "Mbeki",
    "Nordstrom",
    "Ostrowski",
    "Pellegrini",
    "Quintero",
    "Rasmussen",
    "Santangelo",
    "Thibodeaux",
    "Underwood",
    "Valdivia",
    "Wojcik",
    "Yamamoto",
    "Zielinski",
]
TRADES = (
    ("Accountant", "CPAs", "keeps small firms' books in order and answers the phone in April"),
    ("Commercial real estate", "Commercial Realty", "finds warehouse and retail space before it is listed"),
    ("Dentist", "Family Dental", "runs a calm family practice with Saturday hours for working parents"),
    ("Collision repair", "Auto Body", "matches factory paint so well that insurers send the hardest jobs"),
    ("Insurance agent", "Insurance Agency", "reviews home and business cover in one sitting, without jargon"),
    ("Financial planner", "Financial Planning", "builds retirement plans for people who hate spreadsheets"),
    ("Attorney", "Law Group", "handles wills, trusts and small-business contracts at flat fees"),
    ("Mortgage broker", "Home Lending", "gets first-time buyers pre-approved in days rather than weeks"),
    ("Landscape architect", "Garden Design", "turns muddy backyards into places families actually use"),
    ("Physiotherapist", "Physio and Sport", "gets weekend riders and runners back on the road quickly"),
)
EVENT_TITLES = (
    "Partner breakfast",
    "Spring bike night",
    "Charity ride",
    "Holiday partner mixer",
    "New model preview evening",
    "Client appreciation barbecue",
    "Lunch and learn",
    "Summer open house",
)
PLACES = (
    "Main St showroom",
    "Riverside Grill",
    "the service bay",
    "Lakeside pavilion",
    "Hotel Marquis, room B",
)
NOTE_OPENINGS = (
    "Great first conversation with",
    "Had coffee with",
    "Spent an hour on the phone with",
    "Met at the showroom with",
    "Sent a written proposal to",
    "Followed up by email with",
    "Walked through financing options with",
    "Took a test ride with",
)
# Stock notes an owner types again and again: the same text on many partners' pages.
STOCK_NOTES = (
    "Left a voicemail.",
    "Sent the brochure and price list.",
    "Rescheduled at the client's request.",
    "No reply yet to my follow-up email.",
)
NOTE_ENDINGS = (
    "and they want to compare two models before deciding",
    "who asked sensible questions about service intervals and trade-in value",
    "and we agreed to talk again after the spring show",
    "who is keen but wants to wait for the end of the quarter",
    "and the family is coming in together next Saturday to look at touring bikes",
    "who mentioned you warmly and asked me to pass on their thanks",
    "and I promised a written quote with the accessories they picked out",
    "who is also interested in the riding academy for their daughter",
)
INTERNAL_NOTES = (
    "Budget is tight; offer the winter financing rate.",
    "Trade-in has hail damage, price accordingly.",
    "Decision maker is the spouse; include them next time.",
    "Competitor quoted lower; match on accessories.",
)
GIVEN_NOTES = (
    "Looking for office space near the highway",
    "Needs a family dentist taking new patients",
    "Small business owner wants a second opinion on taxes",
    "Wants a quote for fleet insurance",
)
STAGE_PATHS = ("contacted", "met", "proposal")
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 .,'&!?()/;-]*[A-Za-z0-9.)!?]$")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    first: str
    last: str


def scalar(text: str) -> str:
    """The text as a YAML scalar: plain when that is unambiguous, else double-quoted."""
    if _PLAIN.match(text) and text.lower() not in ("null", "true", "false"):
        return text
    return json.dumps(text, ensure_ascii=False)


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def people(rng: random.Random, count: int) -> list[Person]:
    result = []
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        result.append(Person(f"{first}-{last}-{index}".lower(), f"{first} {last}", first, last))
    return result


def partner_lines(rng: random.Random, index: int, everyone: list[Person]) -> list[str]:
    person, total = everyone[index], len(everyone)
    profession, suffix, blurb = rng.choice(TRADES)
    since = FIRST_DAY - dt.timedelta(days=900) + dt.timedelta(days=(1600 * index) // max(total, 1))
    public = rng.random() < 0.3
    lines = [f"  - id: {person.id}", f"    name: {scalar(person.name)}"]
    if rng.random() < 0.8:
        lines.append(f"    company: {scalar(f'{person.last} {suffix}')}")
    lines.append(f"    profession: {scalar(profession)}")
    if rng.random() < 0.7:
        lines.append(f"    email: {person.first.lower()}.{person.last.lower()}{index}@example.com")
    lines.append(f"    since: {since.isoformat()}")
    if index > 0 and rng.random() < 0.6:
        lines.append(f"    referred_by: {everyone[rng.randrange(index)].id}")  # earlier: no cycle
    lines.append(f"    public: {'true' if public else 'false'}")
    if public or rng.random() < 0.1:
        lines.append(f"    spotlight: {scalar(f'{person.first} {blurb}; ask for {person.first} by name.')}")
    return lines


def note(rng: random.Random, prospect: Person) -> str:
    """Mostly a sentence about this prospect (so mostly unique); one in ten a stock note."""
    if rng.random() < 0.1:
        return rng.choice(STOCK_NOTES)
    return f"{rng.choice(NOTE_OPENINGS)} {prospect.first} {rng.choice(NOTE_ENDINGS)}."


def updates_lines(rng: random.Random, introduced: dt.date, prospect: Person) -> list[str]:
    count = rng.choices((0, 1, 2, 3, 4), weights=(20, 25, 25, 18, 12))[0]
    terminal = count == 4 or (count > 0 and rng.random() < 0.4)
    middle = sorted(rng.sample(range(3), count - terminal))
    stages = [STAGE_PATHS[i] for i in middle] + (
        ["won" if rng.random() < 0.6 else "lost"] if terminal else []
    )
    lines, day = ["    updates:"] if stages else [], introduced
    for stage in stages:
        day = min(LAST_DAY, day + dt.timedelta(days=rng.randint(1, 45)))
        lines += [f"      - date: {day.isoformat()}", f"        stage: {stage}"]
        if rng.random() < 0.75:
            lines.append(f"        note: {scalar(note(rng, prospect))}")
        if rng.random() < 0.15:
            lines.append(f"        internal: {scalar(rng.choice(INTERNAL_NOTES))}")
    return lines


def referral_lines(
    rng: random.Random, number: int, partner: str, prospect: Person, introduced: dt.date
) -> list[str]:
    lines = [
        f"  - id: r-{introduced.year}-{number:03d}",
        f"    partner: {partner}",
        f"    prospect: {scalar(prospect.name)}",
        f"    introduced: {introduced.isoformat()}",
    ]
    if rng.random() < 0.8:
        lines.append(f"    method: {rng.choice(('name', 'letter', 'call', 'lunch'))}")
    if rng.random() < 0.7:
        lines.append(f"    asked: {'true' if rng.random() < 0.4 else 'false'}")
    if rng.random() < 0.1:
        lines.append("    public: true")
    if rng.random() < 0.6:
        lines.append(f"    value: {rng.randrange(500, 50_000, 50)}")
    return lines + updates_lines(rng, introduced, prospect)


def referrals_section(rng: random.Random, partners: list[Person]) -> list[str]:
    plan = [
        (day_between(rng, FIRST_DAY, LAST_DAY), partner.id)
        for partner in partners
        for _ in range(rng.randint(0, 10))  # mean 5 per partner
    ]
    plan.sort()  # editors append referrals as they come in
    prospects = people(rng, len(plan))
    lines = ["referrals:"]
    for number, ((introduced, partner), prospect) in enumerate(zip(plan, prospects, strict=True), start=1):
        lines += referral_lines(rng, number, partner, prospect, introduced)
    return lines


def given_section(rng: random.Random, partners: list[Person]) -> list[str]:
    lines = ["given:"]
    for receiver in sorted(people(rng, max(1, len(partners) // 2)), key=lambda p: p.id):
        lines += [
            f"  - partner: {rng.choice(partners).id}",
            f"    date: {day_between(rng, FIRST_DAY, LAST_DAY).isoformat()}",
            f"    to: {scalar(receiver.name)}",
        ]
        if rng.random() < 0.5:
            lines.append(f"    note: {scalar(rng.choice(GIVEN_NOTES))}")
    return lines


def events_section(rng: random.Random) -> list[str]:
    lines = ["events:"]
    for month in range(24):
        first = FIRST_DAY + dt.timedelta(days=30 * month + 1)
        for _ in range(2):
            day = min(LAST_DAY, day_between(rng, first, first + dt.timedelta(days=28)))
            lines += [f"  - date: {day.isoformat()}", f"    title: {scalar(rng.choice(EVENT_TITLES))}"]
            if rng.random() < 0.8:
                lines.append(f"    where: {scalar(rng.choice(PLACES))}")
    return lines


def make_yaml(partners: int, seed: int = DEFAULT_SEED) -> str:
    """The whole file for ``partners`` partners."""
    rng = random.Random(f"{seed}:{partners}")
    everyone = people(rng, partners)
    lines = [
        "# Synthetic benchmark data (benchmarks/make_data.py); every name is invented.",
        "newsletter:",
        "  title: Referral Partner Updates",
        "  owner: Mark Rodgers",
        "  business: Rodgers Harley-Davidson",
        "  intro: Thank you for sending your friends, neighbors and clients our way.",
        "partners:",
    ]
    for index in range(partners):
        lines += partner_lines(rng, index, everyone)
    lines += referrals_section(rng, everyone) + given_section(rng, everyone) + events_section(rng)
    return "\n".join(lines) + "\n"


def write(path: Path, partners: int, seed: int = DEFAULT_SEED) -> int:
    """Write the file; return its size in bytes."""
    data = make_yaml(partners, seed).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partners", type=int, help="number of partners")
    parser.add_argument("-o", "--output", type=Path, default=Path("partners.yaml"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    size = write(args.output, args.partners, args.seed)
    print(f"{args.output}: {args.partners} partners, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
