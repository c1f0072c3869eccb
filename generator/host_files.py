"""Hints for web hosts: keep private pages out of search engines at the HTTP level too."""

from __future__ import annotations

from urllib.parse import urlsplit

# Both formats take '#' comments; the line lets the generator recognise its own file.
GENERATED_COMMENT = "# generated_by: referral-newsletter\n"


def robots_txt(site_url: str) -> str:
    """Allow everything and point at the sitemap; private folders are not named here."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        base = site_url if site_url.endswith("/") else f"{site_url}/"
        lines.append(f"Sitemap: {base}sitemap.xml")
    return GENERATED_COMMENT + "\n".join(lines) + "\n"


def netlify_headers(site_url: str, private_dir: str) -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages): noindex and no referrer on private pages."""
    prefix = urlsplit(site_url).path.rstrip("/") if site_url else ""
    return (
        GENERATED_COMMENT + f"{prefix}/{private_dir}/*\n"
        "  X-Robots-Tag: noindex, nofollow, noarchive\n"
        "  Referrer-Policy: no-referrer\n"
        "  Cache-Control: private, no-store\n"
    )
