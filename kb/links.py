"""Links in KB content: extraction from light Markdown, syntax checks, optional online check."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")

MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
# "[text](" that never closes, or "](" without an opening bracket: a link an editor broke.
BROKEN_MARKDOWN = re.compile(r"\[[^\]\n]*\]\([^)\n]*$|\[[^\]\n]*\]\([^)\n]*\n", re.MULTILINE)
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$|^127\.0\.0\.1$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{1,30}$")


def markdown_links(text: str) -> List[Tuple[str, str]]:
    """The (label, url) pairs of ``[label](url)`` links in ``text``."""
    return [(m.group(1), m.group(2).strip()) for m in MARKDOWN_LINK.finditer(text)]


def broken_markdown(text: str) -> List[str]:
    """Fragments that look like a Markdown link whose parenthesis never closes."""
    without_links = MARKDOWN_LINK.sub("", text)
    return [m.group(0).strip() for m in BROKEN_MARKDOWN.finditer(without_links + "\n")]


def url_problem(url: str) -> Optional[str]:
    """Why ``url`` is not a usable link, or None when it is fine."""
    if not url:
        return "empty link target"
    if any(ch.isspace() for ch in url):
        return f"link {url!r} contains whitespace"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"link {url!r} must start with one of {', '.join(s + ':' for s in ALLOWED_SCHEMES)}"
    if scheme in ("http", "https"):
        host = (parts.hostname or "").lower()
        if not HOSTNAME.match(host):
            return f"link {url!r} has no valid host name"
    elif scheme == "mailto":
        if not EMAIL.match(parts.path):
            return f"link {url!r} is not a valid e-mail address"
    elif scheme == "tel" and not PHONE.match(parts.path):
        return f"link {url!r} is not a valid phone number"
    return None


def check_online(urls: Iterable[str], timeout: float = 5.0, workers: int = 8) -> Dict[str, str]:
    """Fetch each http(s) URL once; return {url: problem} for those that do not answer 2xx/3xx."""
    targets = sorted({u for u in urls if urlsplit(u).scheme in ("http", "https")})

    def probe(url: str) -> Tuple[str, Optional[str]]:
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "citychat-kb-check"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http only)
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError) as error:
            return url, f"link {url!r} is unreachable ({getattr(error, 'reason', error)})"
        if status >= 400:
            return url, f"link {url!r} answers HTTP {status}"
        return url, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(probe, targets))
    return {url: problem for url, problem in results if problem}
