"""Cells for files people open in a spreadsheet: safe against formula (CSV) injection.

Every export (CSV or workbook) passes its text cells through `spreadsheet_safe`; every importer
that reads our exports back passes them through `undo_spreadsheet_safe`.
"""

from __future__ import annotations

from typing import TypeVar

# A spreadsheet treats text starting with one of these as a formula (tab and CR: some tools
# strip them and then see the formula behind).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")

V = TypeVar("V")


def spreadsheet_safe(value: V) -> V:
    """The value, with a leading single quote if it is text a spreadsheet would run.

    Text starting with = + - @ tab or CR gets the quote. So that the quote can be told apart
    from quotes that were part of the text, text already starting with quotes followed by one
    of those characters gets one more. Other values (numbers, dates, None) pass unchanged.
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return "'" + value  # type: ignore[return-value]
    return value


def undo_spreadsheet_safe(value: str) -> str:
    """The text `spreadsheet_safe` was given: drops the one quote it added, if it added one."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return value[1:]
    return value
