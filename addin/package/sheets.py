"""Taking a worksheet out of the workbook's bookkeeping parts (workbook.xml, docProps/app.xml).

Edits are textual, like every edit of the package: the sheet's element, the defined names
local to it or naming it, and the sheet indices that follow it (localSheetId, activeTab,
firstSheet) shift down by one. Callers remove several sheets from the last to the first, so
each index they pass is still valid.
"""

from __future__ import annotations

import re

__all__ = ["drop_app_title", "drop_sheet_entry"]


def drop_sheet_entry(workbook: str, index: int, name: str) -> str:
    """workbook.xml without the sheet at position ``index`` (0-based) called ``name``."""
    workbook = re.sub(rf'<(?:\w+:)?sheet\b[^>]*\bname="{re.escape(name)}"[^>]*/>', "", workbook, count=1)

    def defined(match: re.Match[str]) -> str:
        element = match.group(0)
        local = re.search(r'localSheetId="(\d+)"', element)
        if (local and int(local.group(1)) == index) or f"{name}!" in element or f"'{name}'!" in element:
            return ""
        if local and int(local.group(1)) > index:
            return element.replace(local.group(0), f'localSheetId="{int(local.group(1)) - 1}"', 1)
        return element

    workbook = re.sub(
        r"<(?:\w+:)?definedName\b[^>]*/>|<(?:\w+:)?definedName\b.*?</(?:\w+:)?definedName>",
        defined,
        workbook,
        flags=re.S,
    )

    def view(match: re.Match[str]) -> str:
        value = int(match.group(2))
        return f'{match.group(1)}="{value - 1 if value > index else (0 if value == index else value)}"'

    return re.sub(r'\b(activeTab|firstSheet)="(\d+)"', view, workbook)


def drop_app_title(app: str, name: str) -> str:
    """docProps/app.xml without the worksheet title ``name`` (and with one worksheet fewer)."""
    titled = app.replace(f"<vt:lpstr>{name}</vt:lpstr>", "", 1)
    if titled == app:
        return app
    titled = re.sub(
        r'(<TitlesOfParts>\s*<vt:vector size=")(\d+)"',
        lambda m: f'{m.group(1)}{int(m.group(2)) - 1}"',
        titled,
        count=1,
    )
    return re.sub(
        r"(<HeadingPairs>.*?<vt:i4>)(\d+)(</vt:i4>)",
        lambda m: f"{m.group(1)}{int(m.group(2)) - 1}{m.group(3)}",
        titled,
        count=1,
        flags=re.S,
    )
