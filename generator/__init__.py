"""Referral-partner newsletter site generator: partners.yaml → Markdown → MkDocs."""

__version__ = "0.1.0"
