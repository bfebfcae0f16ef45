"""Text helpers the channels share."""

from __future__ import annotations


def split_message(text: str, *, limit: int) -> list[str]:
    """Split at line boundaries into parts of at most ``limit`` characters (a longer line is cut)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def chosen_line(label: str) -> str:
    """The answer chosen with a button, shown under its question once the buttons are taken away."""
    return f"→ {label}"
