"""The fixed words for a referral's stages and for how it came about: labels, history lines,
headlines. The leak guard takes every one of them as public words (FIXED_PHRASES)."""

from __future__ import annotations

# A stage as a short status label: admonition titles, progress bars, history tables.
STAGE_LABELS = {
    "introduced": "Introduced",
    "contacted": "In touch",
    "met": "Met",
    "proposal": "Proposal made",
    "won": "New client",
    "lost": "File closed",
}

# How an introduction was made, as a table or chart label.
METHOD_LABELS = {
    "name": "Name passed on",
    "letter": "Letter of introduction",
    "call": "Introductory phone call",
    "lunch": "Lunch for the three of us",
}

# The insights page's rows for asking (insights.by_asking's labels), written like the methods.
NOT_RECORDED = "not recorded"  # an insights row of referrals whose method or asking is not given
ASKING_LABELS = {"asked": "Asked for", "earned": "Earned", NOT_RECORDED: "Not recorded"}

# The same, as it continues "Introduced on 3 February 2026 …".
METHOD_PHRASES = {
    "name": "when you passed on their name",
    "letter": "with your letter of introduction",
    "call": "with an introductory phone call",
    "lunch": "over lunch, the three of us together",
}

# A `won` update right after a `won`: the client bought again, once a client (views.with_news).
REPEAT_WIN = "won-again"

# A `contacted` right after a `lost`: a closed file taken up again (views.with_news); "We got in
# touch" under "We closed the file" read as if the file had never been closed.
BACK_IN_TOUCH = "back-in-touch"

# A `lost` right after a `won`: the client did not stay (a sale undone, a contract ended). "We
# closed the file" under "Became a client", and "This one did not go ahead", denied the win the
# partner had been told of; it is no win now (views.won_on), said without blame.
CLIENT_NO_MORE = "client-no-more"

# What happened on a date, for histories: "9 November 2026: We got in touch."
STAGE_EVENTS = {
    "introduced": "You introduced us",
    "contacted": "We got in touch",
    "met": "We met",
    "proposal": "We made a proposal",
    "won": "Became a client",
    REPEAT_WIN: "Bought from us again",
    BACK_IN_TOUCH: "We got back in touch",
    "lost": "We closed the file",
    CLIENT_NO_MORE: "No longer a client",
}

# Where a referral stands, as the headline of a message's item: the thanks is said here, once.
STAGE_HEADLINES = {
    **STAGE_LABELS,
    "won": "A new client, thanks to you!",
    REPEAT_WIN: "A returning client",
    BACK_IN_TOUCH: STAGE_LABELS["contacted"],
    # As the partner page's card counts them: not "File closed" on a sale they were thanked for.
    CLIENT_NO_MORE: "A former client",
}

# What a screen reader says after each step of a referral's progress line, for the symbol the
# eye reads before it (referral_status._progress_bar): "Introduced (done)", "Met (now)".
STEP_STATES = {"✓": "done", "●": "now", "○": "to come"}

# Fixed phrases the generator prints from code rather than from templates: the leak guard
# treats them as public words (a prospect called "We met" is not a leak of that prospect).
FIXED_PHRASES = (
    *STEP_STATES.values(),
    *STAGE_LABELS.values(),
    *METHOD_LABELS.values(),
    *METHOD_PHRASES.values(),
    *STAGE_EVENTS.values(),
    *STAGE_HEADLINES.values(),
)
