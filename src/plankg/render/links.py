"""Which IRIs may become links: only http(s) IRIs and paths of this server.

Any IRI can be in the data (``javascript:alert(1)`` and ``data:text/html,...`` are valid IRIs);
shown as a link, such an IRI runs script on the service's origin when clicked. Everything that
is not http(s) or a local path is shown as text.
"""

from __future__ import annotations

import re

_SAFE = re.compile(r"^(?:https?://[^\s<>\"'`\\]+|/(?!/)[^\s<>\"'`\\]*)$", re.IGNORECASE)


def safe_href(url: str | None) -> str | None:
    """``url`` if it may be an href (an http(s) IRI or a path of this server), else None."""
    if url and _SAFE.match(url):
        return url
    return None
