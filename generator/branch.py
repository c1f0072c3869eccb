"""Branches of the referral tree as pages show them, naming only partners who consented."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Partner
from .svg_tree import Node, tree_svg
from .tree import ReferralTree
from .words import ANONYMOUS_PARTNER

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
        Introduction(shown_name(tree.partners[child]), tree.grew_from(child), tree.branches[child].partners)
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
    """One drawing per family of partners (a root with at least one partner it brought in)."""
    drawings = []
    for root in tree.roots:
        if not tree.children_of(root):
            continue
        nodes = [Node(shown_name(tree.partners[root]), None)]
        _append_branch(tree, root, 0, nodes, None)
        drawings.append(tree_svg(nodes, f"Referral tree started by {shown_name(tree.partners[root])}"))
    return drawings
