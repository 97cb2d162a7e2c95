"""Build hook: compile the gettext catalogs (``.po``) into the ``.mo`` files the terminal reads.

The ``.po`` files are the source and live in git; the ``.mo`` files are made here, for the wheel
and for an editable install alike, and are never committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "catalogs"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for po in sorted((root / "src" / "beoordeling" / "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as stream:
                catalog = read_po(stream, locale=po.parent.parent.name, domain=po.stem)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as stream:
                write_mo(stream, catalog, use_fuzzy=False)
            build_data["artifacts"].append(mo.relative_to(root).as_posix())
