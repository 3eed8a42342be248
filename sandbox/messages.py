"""How error messages show the user's input: a bad value is quoted, never echoed whole."""

from typing import Any

SHOWN_CHARACTERS = 80


def shown(value: Any) -> str:
    """A value as an error message shows it: its repr, cut to SHOWN_CHARACTERS."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


class UserFixableError(Exception):
    """An error the user can fix (a flag, a file); the CLI prints its one-line text and exits 2."""
