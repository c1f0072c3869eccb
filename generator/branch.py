"""Branches of the referral tree as pages show them, naming only partners who consented."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .models import Partner
from .names_in_words import ANONYMOUS_PARTNER
from .numbers_in_words import digits
from .svg_tree import Node, tree_svg
from .tree import ReferralTree

PRIVATE_LABEL = ANONYMOUS_PARTNER
MAX_DRAWN = 60  # boxes in one drawing; the text list always tells the whole branch


def shown_name(partner: Partner, viewer_id: str | None = None) -> str:
    """A partner's name where they consented (or on their own page), else an anonymous label."""
    return partner.name if partner.public or partner.id == viewer_id else PRIVATE_LABEL


@dataclass(frozen=True)
class Introduction:
    name: str
    led_to_wins: int
    partners_below: int
    sent: int  # their own introductions


@dataclass(frozen=True)
class PartnerBranch:
    introducer: str | None
    brought_in: tuple[Introduction, ...]
    partners_below: int
    wins_below: int
    svg: str


def partner_branch(tree: ReferralTree, partner: Partner) -> PartnerBranch:
    introducer = tree.partners.get(partner.referred_by or "")
    brought_in = tuple(
        Introduction(
            shown_name(tree.partners[child]),
            tree.grew_from(child),
            tree.branches[child].partners,
            tree.own_sent.get(child, 0),
        )
        for child in tree.children_of(partner.id)
    )
    branch = tree.branches[partner.id]
    return PartnerBranch(
        introducer=shown_name(introducer) if introducer else None,
        brought_in=brought_in,
        partners_below=branch.partners,
        wins_below=branch.wins,
        svg=_branch_svg(tree, partner, introducer) if introducer or brought_in else "",
    )


def _branch_svg(tree: ReferralTree, partner: Partner, introducer: Partner | None) -> str:
    nodes: list[Node] = []
    if introducer:
        nodes.append(Node(shown_name(introducer), None))
    nodes.append(Node(partner.name, 0 if introducer else None, emphasis=True))
    _append_branch(tree, partner.id, len(nodes) - 1, nodes, partner.id)
    return tree_svg(nodes, f"The referral tree around {partner.name}")


def _append_branch(
    tree: ReferralTree, start: str, start_index: int, nodes: list[Node], viewer: str | None
) -> None:
    index_of = {start: start_index}
    for partner_id, _ in tree.depth_below(start):
        if len(nodes) >= MAX_DRAWN:
            return
        partner = tree.partners[partner_id]
        index_of[partner_id] = len(nodes)
        nodes.append(Node(shown_name(partner, viewer), index_of[partner.referred_by or ""]))


def public_forest(tree: ReferralTree) -> list[str]:
    """The whole public tree in one drawing: every family side by side, branching as it grew.

    Partners who did not consent and have no consenting partner below them are grouped into
    one box per parent ("3 partners"), so the drawing shows shape, not a row of anonymous boxes.
    """
    families = [root for root in tree.roots if tree.children_of(root)]
    if not families:
        return []
    named_below = _with_public_below(tree)
    nodes: list[Node] = []
    _append_group(tree, families, None, nodes, named_below)
    return [tree_svg(nodes, "Our referral tree: who introduced whom")]


def _with_public_below(tree: ReferralTree) -> set[str]:
    """Partners who consented, or have a consenting partner somewhere below them."""
    found: set[str] = set()
    for partner_id in reversed(list(tree.walk())):
        below = tree.children_of(partner_id)
        if tree.partners[partner_id].public or any(child in found for child in below):
            found.add(partner_id)
    return found


def _append_group(
    tree: ReferralTree, members: Sequence[str], parent: int | None, nodes: list[Node], named_below: set[str]
) -> None:
    """Shown members (with their branches) in order, then one box for the unnamed rest."""
    hidden = 0
    for partner_id in members:
        if partner_id not in named_below:
            hidden += 1 + tree.branches[partner_id].partners
            continue
        if len(nodes) >= MAX_DRAWN:
            return
        nodes.append(Node(shown_name(tree.partners[partner_id]), parent))
        _append_group(tree, tree.children_of(partner_id), len(nodes) - 1, nodes, named_below)
    if hidden and len(nodes) < MAX_DRAWN:
        nodes.append(Node(PRIVATE_LABEL if hidden == 1 else f"{digits(hidden)} partners", parent))
