"""Text as the Slack app posts it. What people read is in ``plain_text`` sections, which Slack
shows as written. A message's top-level ``text`` (its notification, and what a client without
blocks shows) is read as mrkdwn, where ``<!channel>`` would ping a whole channel and
``<https://example.org|click>`` would be a disguised link: there ``&``, ``<`` and ``>`` are
escaped, as Slack asks (api.slack.com/reference/surfaces/formatting#escaping), so that nothing
an applicant, support or staff wrote is taken for a mention or a link.
"""

from __future__ import annotations

from bot.shared.text import split_message

SECTION_LIMIT = 3000  # characters in one section block


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def top_level_text(text: str) -> str:
    """A message's ``text``: the start of what its sections show, escaped."""
    return escaped(text[:SECTION_LIMIT])


def plain_sections(text: str) -> list[dict]:
    """``text`` as ``plain_text`` sections, split at line breaks below Slack's limit; blank parts
    left out (Slack refuses an empty section)."""
    return [
        {"type": "section", "text": {"type": "plain_text", "text": part, "emoji": False}}
        for part in split_message(text, limit=SECTION_LIMIT)
        if part.strip()
    ]
