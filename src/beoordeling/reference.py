"""Reference lists a plan may point into, shipped with the package and replaceable by the user."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

from ._i18n import _, os_reason
from .errors import ConfigurationError, Problem
from .model import Plan
from .resources import data_file

__all__ = ["ReferenceRegion", "RegionList", "load_regions"]

DEFAULT_REGIONS = "zorgkantoorregios.csv"


@dataclass(frozen=True)
class ReferenceRegion:
    """A region of the reference list, with the insurers public sources name for it (if any)."""

    name: str
    sample_municipalities: tuple[str, ...] = ()
    insurers_evidence: str = ""
    source: str = ""


@dataclass(frozen=True)
class RegionList:
    """The regions a plan's ``region.reference`` may name, read from one CSV file."""

    source: str
    regions: tuple[ReferenceRegion, ...]

    def names(self) -> list[str]:
        return [region.name for region in self.regions]

    def find(self, name: str) -> ReferenceRegion | None:
        wanted = name.casefold()
        return next((r for r in self.regions if r.name.casefold() == wanted), None)

    def check(self, plan: Plan, source: str | None = None) -> list[Problem]:
        """Problems with the plan's link to this list (none when it has no link)."""
        if plan.region is None or plan.region.reference is None:
            return []
        if self.find(plan.region.reference):
            return []
        close = difflib.get_close_matches(plan.region.reference, self.names(), n=1, cutoff=0.6)
        hint = (
            _("did you mean {name!r}?").format(name=close[0])
            if close
            else _("the list is {source}").format(source=self.source)
        )
        return [
            Problem(
                _("{reference!r} is not a region of the reference list; {hint}").format(
                    reference=plan.region.reference, hint=hint
                ),
                source,
                ("region", "reference"),
            )
        ]


def load_regions(path: Path | str | None = None) -> RegionList:
    """Read a region list (CSV with a ``zorgkantoorregio`` column); default: the shipped one."""
    file = Path(path) if path else data_file(DEFAULT_REGIONS)
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "zorgkantoorregio" not in reader.fieldnames:
                raise ConfigurationError(
                    _("{file}:1: a region list needs a column 'zorgkantoorregio'; found {value}").format(
                        file=file, value=", ".join(reader.fieldnames or []) or "no header"
                    )
                )
            regions = []
            for row in reader:
                name = (row.get("zorgkantoorregio") or "").strip()
                if not name:
                    raise ConfigurationError(
                        _("{file}:{line_num}: zorgkantoorregio is empty").format(file=file, line_num=reader.line_num)
                    )
                samples = tuple(s.strip() for s in (row.get("sample_gemeenten") or "").split(";") if s.strip())
                regions.append(
                    ReferenceRegion(
                        name=name,
                        sample_municipalities=samples,
                        insurers_evidence=(row.get("insurers_evidence") or "").strip(),
                        source=(row.get("insurer_source_url") or "").strip(),
                    )
                )
    except OSError as exc:
        raise ConfigurationError(
            _("cannot read the region list {file}: {strerror}").format(file=file, strerror=os_reason(exc))
        ) from exc
    except csv.Error as exc:
        raise ConfigurationError(_("{file}: not a readable CSV file: {exc}").format(file=file, exc=exc)) from exc
    return RegionList(str(file), tuple(regions))
