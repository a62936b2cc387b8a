"""Reading exported workbooks back in tests."""

from datetime import datetime


def as_csv_text(cell) -> str:
    """An XLSX cell as the CSV writes it: numbers and dates as text, and the apostrophe that
    the XLSX keeps hidden (the quote prefix) shown."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, str) and cell.quotePrefix:
        return "'" + value
    return str(value)
