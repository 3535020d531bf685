"""Reading uploaded CSV files: the text of an upload, its data rows and the problems found.

Shared by every CSV import (user accounts, competency frameworks). Line numbers are those of
the file, the header being line 1; a quoted field may span lines, so a row is numbered by the
line it starts on.
"""

from __future__ import annotations

import csv
import io
from _csv import Reader
from collections.abc import Iterator
from dataclasses import dataclass

from lms.errors import ValidationError


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


def decode_upload(data: bytes) -> str:
    """The text of an uploaded CSV, or a ValidationError saying why it cannot be read."""
    if not data.strip():
        raise ValidationError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). "
            "Save it from your spreadsheet as 'CSV UTF-8' and upload it again."
        ) from error
    if "\x00" in text:
        # UTF-16 text without a byte-order mark, or not text at all; PostgreSQL cannot store it.
        raise ValidationError(
            "The file contains NUL characters, so it is not a UTF-8 CSV file. "
            "Save it from your spreadsheet as 'CSV UTF-8' and upload it again."
        )
    return text


def csv_reader(text: str) -> Reader:
    """A csv.reader over text (keeping line ends inside quoted fields)."""
    return csv.reader(io.StringIO(text, newline=""))


def data_rows(
    reader: Reader, errors: list[RowError], *, width: int, width_rule: str
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header, each with the line it starts on; blank rows are skipped.

    A row of the wrong width is reported ("Has 3 fields; <width_rule>.") and skipped. A row
    that cannot be read as CSV is reported and ends the reading: what follows it cannot be
    trusted.
    """
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(RowError(start, f"Cannot be read as CSV: {error}."))
            return
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != width:
            errors.append(RowError(start, f"Has {len(values)} fields; {width_rule}."))
            continue
        yield start, values
