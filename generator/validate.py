"""Turn a parsed document into a :class:`PartnersFile`, or into located problems.

Two layers: the model checks each field (pydantic), then :mod:`generator.rules` checks what
spans records (unique ids, references, the tree, update order). Every problem is reported
at once, each with the position of the value it is about.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import field_hints, field_types, models, presentation, rules, source
from .moment import When
from .plain_split import parse_plain_fast
from .problems import FieldPath, InvalidData, Problem

Record = TypeVar("Record", bound=BaseModel)
# Told of the model before the rules across records are checked (load_partners).
Modelled = Callable[[models.PartnersFile], None]
_ID = re.compile(field_types.ID_PATTERN)
QUOTE_MAX = 60  # a message quotes a value; a 600,000-character one would bury the others

_TYPE_WORDS = {
    "list_type": "expected a list (items starting with '- ')",
    "tuple_type": "expected a list (items starting with '- ')",
    "model_type": "expected a mapping of fields (key: value lines)",
    "model_attributes_type": "expected a mapping of fields (key: value lines)",
    "dict_type": "expected a mapping of fields (key: value lines)",
    "string_type": "expected text",
    # An empty value (``public:``) reaches the model as None: say what belongs there.
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "date_type": "expected a date (YYYY-MM-DD)",
    "time_type": "expected a time of day (HH:MM)",
}


_RECORD_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type"})
EMPTY_ITEM = "a '-' with nothing after it: delete that line, or write the record's fields after the '- '"


def load_partners(
    path: Path,
    today: When,
    *,
    display_name: str | None = None,
    docs_dir: Path | None = None,
    modelled: Modelled | None = None,
) -> models.PartnersFile:
    """Read, parse and validate a partners file; raise :class:`InvalidData` on any problem.

    Given the docs folder, also that ``newsletter.logo`` is a file in it (``check``). Given
    ``modelled``, it is called with the model as soon as pydantic has built it, before the rules
    across records are checked (it may be called again, and the file may still be refused)."""
    name = display_name or str(path)
    try:
        text = source.read_text(path.read_bytes(), name)  # the bytes are not kept: 1x the file
    except OSError as error:
        raise InvalidData([Problem(1, 1, (), f"cannot read the file: {error.strerror}", name)]) from None
    return load_text(text, name, today, docs_dir, modelled)


def load_text(
    text: str, filename: str, today: When, docs_dir: Path | None = None, modelled: Modelled | None = None
) -> models.PartnersFile:
    """Validate YAML text; the fast paths skip line marks and re-parse only to locate errors.

    A file in the plain subset (:mod:`generator.plain_yaml`, the usual case; a large one on two
    cores, :mod:`generator.plain_split`) is read without libyaml's events; any other file
    without marks. Either way a file with any problem is read
    again by the marked reader, so every message is the marked reader's.
    """
    try:
        return validate_document(_unmarked(text, filename), today, docs_dir, modelled)
    except InvalidData:
        return validate_document(source.parse(text, filename, with_marks=True), today, docs_dir, modelled)


def _unmarked(text: str, filename: str) -> source.SourceDocument:
    data = parse_plain_fast(text, _as_models)
    if data is None:
        return source.parse(text, filename, with_marks=False)
    return source.SourceDocument(filename, data)


# The sections of records, each validated as a list of its model.
_RECORDS: dict[str, TypeAdapter[list[Any]]] = {
    "partners": TypeAdapter(list[models.Partner]),
    "referrals": TypeAdapter(list[models.Referral]),
    "given": TypeAdapter(list[models.Given]),
    "events": TypeAdapter(list[models.Event]),
}


def _as_models(data: dict[str, Any]) -> dict[str, Any]:
    """A half of a large file's records as models, on the core that read that half
    (plain_split): the other core validates the tail's while this one validates the head's,
    where it waited for this one: at 10,000 partners loading took 1.24-1.31 s, now 1.13-1.18 s
    (the models' pickling costs the other core 0.28 s more CPU, in time it was idle). The file's
    model takes records already validated as they are. A record its model refuses leaves the
    half as read: the file's own validation then refuses it, from the marked reader."""
    context: dict[str, dict[frozenset[str], set[str]]] = {models.FIELDS_SETS: {}}
    try:
        return {
            name: _RECORDS[name].validate_python(value, context=context)
            if name in _RECORDS and isinstance(value, list)
            else value
            for name, value in data.items()
        }
    except ValidationError:
        return data


def _holds_models(data: dict[str, Any]) -> bool:
    return any(isinstance(item, BaseModel) for name in _RECORDS for item in _section(data, name))


def validate_document(
    document: source.SourceDocument,
    today: When,
    docs_dir: Path | None = None,
    modelled: Modelled | None = None,
) -> models.PartnersFile:
    data = document.data
    if data is None:  # `---` and nothing else: a document with no content
        raise InvalidData([Problem(1, 1, (), source.EMPTY_FILE, document.filename)])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "plain text"
        message = f"the file holds {kind}; it needs sections such as newsletter: and partners:, each a name and ':' at the start of a line"
        raise InvalidData([document.problem((), message)])
    try:
        partners_file = models.PartnersFile.model_validate(data, context={models.FIELDS_SETS: {}})
    except ValidationError as error:
        if _holds_models(data):  # the fast reader's (load_text): read again, marked, to locate it
            raise InvalidData([]) from None
        partial, raw_ids = _valid_records(data)
        findings = rules.check(partial, today, extra_partner_ids=raw_ids)
        references = _references_of_invalid_records(data, partial, raw_ids)
        findings += references + _duplicates_beside_invalid_records(data, partial)
        findings += _dates_of_invalid_records(data, partial, today)
        findings += _update_order_of_invalid_records(data, partial)
        findings += _cycles_through_invalid_records(data, partial)
        findings += _shared_emails_beside_invalid_records(data, partial)
        findings += _times_of_invalid_events(data, partial)
        findings += _missing_logo(data, docs_dir)
        answered = {path for path, _ in references}  # said once, as an unknown partner
        problems = [*_field_problems(document, error, answered), *_located(document, findings)]
        raise InvalidData([*document.problems, *problems]) from None
    if modelled is not None:
        modelled(partners_file)
    findings = rules.check(rules.Records.of(partners_file), today) + _missing_logo(data, docs_dir)
    problems = _located(document, findings)
    if problems or document.problems:
        raise InvalidData([*document.problems, *problems])
    return partners_file


_DOCS_PATH = TypeAdapter(field_types.DocsPath)


def _missing_logo(data: dict[str, Any], docs_dir: Path | None) -> list[rules.Finding]:
    """``newsletter.logo`` naming no file in the docs folder, when the caller knows that folder:
    a strict build refuses the header, so ``check`` (which CI runs first) says so too."""
    newsletter = data.get("newsletter")
    if docs_dir is None or not isinstance(newsletter, dict):
        return []
    try:
        path = _DOCS_PATH.validate_python(newsletter.get("logo"))
    except ValidationError:  # no logo, or one whose own message says what is wrong with it
        return []
    message = presentation.logo_not_in(path, docs_dir)
    return [] if message is None else [(("newsletter", "logo"), message)]


_ALSO = re.compile(r"\(also (\w+)\[(\d+)\]\)$")


def _located(document: source.SourceDocument, findings: list[rules.Finding]) -> list[Problem]:
    return [document.problem(path, _with_line_of_other(document, message)) for path, message in findings]


def _with_line_of_other(document: source.SourceDocument, message: str) -> str:
    """``(also partners[5])`` → ``(also partners[5], line 71)``: where to find the other copy, as
    a duplicate key's message says."""
    other = _ALSO.search(message)
    if other is None or not document.marks:
        return message
    line = document.locate((other.group(1), int(other.group(2)), "id"))[0]
    return f"{message[: other.end() - 1]}, line {line})"


def _valid_records(data: dict[str, Any]) -> tuple[rules.Records, set[str]]:
    """The records that are valid on their own, so cross-record checks can still run.

    Also the raw partner ids, so a partner left out for another mistake is not reported
    as missing too.
    """
    raw_partners = _section(data, "partners")
    records = rules.Records(
        partners=[_valid_or_none(models.Partner, item) for item in raw_partners],
        referrals=[_valid_or_none(models.Referral, item) for item in _section(data, "referrals")],
        given=[_valid_or_none(models.Given, item) for item in _section(data, "given")],
        events=[_valid_or_none(models.Event, item) for item in _section(data, "events")],
        timezone=_zone_of(data.get("newsletter")),
    )
    raw_ids = {
        _as_id(item["id"])
        for item in raw_partners
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    return records, raw_ids


def _as_id(value: str) -> str:
    """The valid id an editor most likely meant by ``value`` (``Anne Ortiz`` → ``anne-ortiz``), so
    references written the valid way are not reported as unknown and nobody is told to copy an
    invalid id into them; ``value`` itself when no valid id comes of it."""
    if _ID.fullmatch(value):
        return value
    meant = re.sub(r"[^a-z0-9]+", "-", value.strip().lower()).strip("-")
    return meant if _ID.fullmatch(meant) else value


def _zone_of(newsletter: object) -> str:
    """newsletter.timezone when the newsletter is valid; else UTC, whose times all exist."""
    valid = _valid_or_none(models.Newsletter, newsletter)
    return valid.timezone if valid is not None else "UTC"


# The fields that name a partner: checked by the rules on valid records, here on the others.
_REFERENCES = (("partners", "referred_by"), ("referrals", "partner"), ("given", "partner"))


def _references_of_invalid_records(
    data: dict[str, Any], partial: rules.Records, known: set[str]
) -> list[rules.Finding]:
    """An unknown partner in a record that failed for another reason: reported with it, so
    one run names every problem (the rules only see the records that are valid). A reference
    not written as an id (``partner: Bob B``) names no partner either, and says so the same way,
    not as an id to reformat (no partner has the reformatted one); one that is a partner's
    name hints that partner's id. A value some partner's invalid id holds, or one longer than
    any id, is left to its pattern message, which says how to write both, or its length."""
    findings: list[rules.Finding] = []
    raw_ids = _raw_partner_ids(data)
    named = _ids_by_name(data)
    for section, field in _REFERENCES:
        records: Sequence[BaseModel | None] = getattr(partial, section)
        for index, item in enumerate(_section(data, section)):
            value = item.get(field) if isinstance(item, dict) and records[index] is None else None
            if not isinstance(value, str) or value in known or value in raw_ids or not value.strip():
                continue
            if len(value) > QUOTE_MAX:  # longer than any id: its length is the problem to name
                continue
            meant = named.get(value.strip().casefold())
            findings.append(((section, index, field), rules.unknown_partner(value, known, named=meant)))
    return findings


def _raw_partner_ids(data: dict[str, Any]) -> set[str]:
    return {
        item["id"]
        for item in _section(data, "partners")
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _ids_by_name(data: dict[str, Any]) -> dict[str, str]:
    """Each partner's valid id by their name, case folded (the first partner of a name)."""
    named: dict[str, str] = {}
    for item in _section(data, "partners"):
        name, value = (item.get("name"), item.get("id")) if isinstance(item, dict) else (None, None)
        if isinstance(name, str) and isinstance(value, str) and _ID.fullmatch(value):
            named.setdefault(name.strip().casefold(), value)
    return named


def _duplicates_beside_invalid_records(data: dict[str, Any], partial: rules.Records) -> list[rules.Finding]:
    """A repeated id where a record that failed for another reason is involved (the rules only
    compare valid records, and report the repeats among those)."""
    findings: list[rules.Finding] = []
    for section, noun in (("partners", "partner"), ("referrals", "referral")):
        records: Sequence[BaseModel | None] = getattr(partial, section)
        first: dict[str, int] = {}
        valid_seen: set[str] = set()
        for index, item in enumerate(_section(data, section)):
            value = item.get("id") if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            if value in first and (records[index] is None or value not in valid_seen):
                findings.append(
                    (
                        (section, index, "id"),
                        f"duplicate {noun} id '{value}' (also {section}[{first[value]}])",
                    )
                )
            first.setdefault(value, index)
            if records[index] is not None:
                valid_seen.add(value)
    return findings


_DATE = TypeAdapter(field_types.YamlDate)
_DATES = (("partners", "since"), ("referrals", "introduced"), ("given", "date"), ("events", "date"))


def _dates_of_invalid_records(
    data: dict[str, Any], partial: rules.Records, today: When
) -> list[rules.Finding]:
    """A date out of its range in a record that failed for another reason (the rules only see
    valid records): reported with it, so one run names every problem."""
    owners_today = rules.owners_today(today, partial.timezone)
    findings: list[rules.Finding] = []
    for section, field in _DATES:
        records: Sequence[BaseModel | None] = getattr(partial, section)
        for index, item in enumerate(_section(data, section)):
            if records[index] is None and isinstance(item, dict):
                for path, value in _raw_dates(section, index, field, item):
                    if (day := _date_or_none(value)) is not None:
                        findings += rules.date_limits(path, day, owners_today, event=section == "events")
    return findings


def _update_order_of_invalid_records(data: dict[str, Any], partial: rules.Records) -> list[rules.Finding]:
    """Updates out of date order in a referral that failed for another reason (the rules only
    see valid records): reported with it, so one run names every problem."""
    findings: list[rules.Finding] = []
    for index, item in enumerate(_section(data, "referrals")):
        if partial.referrals[index] is None and isinstance(item, dict):
            updates = item.get("updates")
            dates = [
                _date_or_none(update.get("date")) if isinstance(update, dict) else None
                for update in (updates if isinstance(updates, list) else [])
            ]
            findings += rules.update_order(index, _date_or_none(item.get("introduced")), dates)
    return findings


def _cycles_through_invalid_records(data: dict[str, Any], partial: rules.Records) -> list[rules.Finding]:
    """A cycle of the referral tree through a partner that failed for another reason, or such a
    partner referred by themselves (the rules only see valid partners, and find only those)."""
    valid_ids = {partner.id for partner in partial.partners if partner is not None}
    findings: list[rules.Finding] = []
    index_of: dict[str, int] = {}
    parent: dict[str, str] = {}
    invalid: set[str] = set()
    for index, item in enumerate(_section(data, "partners")):
        pid, referrer = (item.get("id"), item.get("referred_by")) if isinstance(item, dict) else (None, None)
        if not isinstance(pid, str):
            continue
        index_of.setdefault(pid, index)
        if partial.partners[index] is None and pid not in valid_ids:
            invalid.add(pid)
        if isinstance(referrer, str) and referrer != pid:
            parent[pid] = referrer
        elif referrer == pid and partial.partners[index] is None:
            findings.append((("partners", index, "referred_by"), rules.SELF_REFERRED))
    cycles = rules.cycles_of(parent)
    return findings + [
        rules.cycle_finding(cycle, index_of) for cycle in cycles if invalid.intersection(cycle)
    ]


_EMAIL = TypeAdapter(field_types.Email)
_BOOL = TypeAdapter(field_types.YamlBool)


def _shared_emails_beside_invalid_records(
    data: dict[str, Any], partial: rules.Records
) -> list[rules.Finding]:
    """Two partners mailed at one address where one failed for another reason (the rules only
    compare valid partners): each partner is named once, at its address, against the first."""
    findings: list[rules.Finding] = []
    first: dict[str, str] = {}  # address -> the first partner's id
    valid_seen: set[str] = set()
    for index, item in enumerate(_section(data, "partners")):
        address = _mailed_address(item)
        if address is None:
            continue
        valid = partial.partners[index] is not None
        if address in first and (not valid or address not in valid_seen):  # else the rules said it
            findings.append(
                (("partners", index, "email"), rules.shared_email(first[address], str(item.get("id"))))
            )
        first.setdefault(address, str(item.get("id")))
        if valid:
            valid_seen.add(address)
    return findings


def _mailed_address(item: Any) -> str | None:
    """A raw partner's valid address, case folded, when the partner is mailed; else None."""
    if not isinstance(item, dict):
        return None
    try:
        address, mailed = (
            _EMAIL.validate_python(item.get("email")),
            _BOOL.validate_python(item.get("mail", True)),
        )
    except ValidationError:  # no address, or a value whose own message says what is wrong
        return None
    return address.strip().casefold() if mailed else None


_WHEN = ("date", "time", "end")


def _times_of_invalid_events(data: dict[str, Any], partial: rules.Records) -> list[rules.Finding]:
    """A time the clocks skip in an event that failed for another reason (the rules only see
    valid events): its day and hours are checked as an event of their own."""
    findings: list[rules.Finding] = []
    for index, item in enumerate(_section(data, "events")):
        if partial.events[index] is None and isinstance(item, dict):
            when = _valid_or_none(models.Event, {"title": "-"} | {k: item[k] for k in _WHEN if k in item})
            if when is not None:
                findings += rules.nonexistent_times(index, when, partial.timezone)
    return findings


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return _DATE.validate_python(value)
    except ValidationError:  # already reported as this field's own problem
        return None


def _raw_dates(section: str, index: int, field: str, item: dict[str, Any]) -> Iterator[tuple[FieldPath, Any]]:
    """A record's dates as written, by their paths: a referral's updates' too."""
    if field in item:
        yield (section, index, field), item[field]
    updates = item.get("updates") if section == "referrals" else None
    for number, update in enumerate(updates if isinstance(updates, list) else []):
        if isinstance(update, dict) and "date" in update:
            yield (section, index, "updates", number, "date"), update["date"]


def _section(data: dict[str, Any], name: str) -> list[Any]:
    items = data.get(name)
    return items if isinstance(items, list) else []


def _valid_or_none(model: type[Record], item: Any) -> Record | None:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None


def _field_problems(
    document: source.SourceDocument, error: ValidationError, answered: set[FieldPath]
) -> Iterator[Problem]:
    already = {problem.path for problem in document.problems} | answered
    details = error.errors(include_url=False)
    # `prospects: Dana` is one mistake: the unknown field's message names 'prospect', so
    # "prospect: required, but missing" would only say it twice.
    misspelt = {field_hints.misspelt(tuple(d["loc"])) for d in details if d["type"] == "extra_forbidden"}
    for detail in details:
        path: FieldPath = tuple(detail["loc"])
        if any(path[:length] in already for length in range(len(path) + 1)):
            continue  # the loader already said what is wrong here
        kind = detail["type"]
        if kind == "missing" and path in misspelt:
            continue
        if kind == "missing":
            # Named by its own path, located at the record that lacks it.
            line, column = document.locate(path[:-1])
            yield Problem(line, column, path, "required, but missing", document.filename)
        elif kind == "extra_forbidden":
            yield document.problem(path, field_hints.unknown_field(path), key=True)
        elif kind in _RECORD_TYPES and detail.get("input") is None and isinstance(path[-1], int):
            yield document.problem(path, EMPTY_ITEM)
        else:
            yield document.problem(path, _message(detail))


def _message(detail: Any) -> str:
    """The message for one field error, quoting at most the start of a very long value."""
    message, value = _full_message(detail), detail.get("input")
    if isinstance(value, str) and len(value) > QUOTE_MAX:
        short = f"{value[:QUOTE_MAX]}…"
        message = message.replace(f"'{value}'", f"'{short}' ({len(value):,} characters)")
        message = message.replace(value, short)
    return message


def _full_message(detail: Any) -> str:
    kind = detail["type"]
    value = detail.get("input")
    if kind == "literal_error":
        allowed = detail["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        if value is None:  # `stage:` with nothing after it
            return f"the value is empty; write one of {allowed}"
        if isinstance(value, list | dict):  # `stage: [met]`: not its Python form, '['met']'
            return f"expected one of {allowed}{_got(value)}"
        return f"'{value}' is not one of {allowed}{_closest(value, allowed.split(', '))}"
    if kind == "string_pattern_mismatch":
        meant = _as_id(value)
        hint = f"; did you mean '{meant}'?" if meant != value else ""
        return (
            f"'{value}' is not a valid id: use lower-case letters, digits and '-', "
            f"starting with a letter or digit, at most 63 characters{hint}"
        )
    if kind in ("string_too_short", "too_short"):
        return "must not be empty: write the text, or leave the field out if it is optional"
    if kind in ("string_too_long", "too_long"):
        limit = detail["ctx"]["max_length"]
        message = f"is {len(value):,} characters long; shorten it to at most {limit:,}"
        if isinstance(value, str) and value.endswith("\n") and len(value) - 1 <= limit:
            # A note of exactly the limit written as a `|` block: YAML keeps its last line break.
            message += " (the line break ending a | block counts: write |- to leave it out)"
        return message
    if kind == "greater_than_equal":
        return f"'{_number(value)}' must be at least {_number(detail['ctx']['ge'])}"
    if kind == "less_than_equal":
        return f"'{_number(value)}' must be at most {_number(detail['ctx']['le'])}"
    if kind == "value_error":
        return str(detail["ctx"]["error"])
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind] + _got(value)
    return str(detail["msg"])


def _closest(value: Any, allowed: list[str]) -> str:
    """``Met`` → 'met', ``one`` → 'won': the allowed word the value was probably meant as."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value.strip().lower(), allowed, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _number(value: Any) -> str:
    """A number as an editor writes it: 0, not 0.0; 1e+300, not its 301 digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{float(value):g}"
    return str(value)


def _got(value: Any) -> str:
    if value is None:
        return ", but the value is empty"
    if isinstance(value, list):
        return ", got a list"
    if isinstance(value, dict):
        return ", got a mapping"
    return f", got '{value}'"
