"""Checks on free text that people type or upload."""

import unicodedata

CONTROL_CHARACTER_MESSAGE = "Remove the invisible control characters (often pasted in by accident)."


def has_control_characters(text: str) -> bool:
    """True for NUL and the other control characters, except tab, line feed and carriage return.

    PostgreSQL cannot store NUL in text at all, and no other control character belongs in a name,
    an address or a search.
    """
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text)
