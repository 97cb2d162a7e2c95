"""Who writes and who signs: the organisation profiles the letters take their sender, signatures and
paragraph on questions from (``profiles/organisations.yaml``, replaced by a deployment).

Read as strictly as the policy file: plain YAML, unknown keys refused, every problem with its file,
line and key. An organisation is found by its name or an alias, ignoring case, as the plans and the
actors name it; one without a profile is shown by its name only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .. import _yaml
from .._i18n import N_, _, os_reason
from .._validation import problems_from
from ..errors import ConfigurationError, InputError, Problem
from ..model._types import Email, Phone
from ..resources import bundled_dir

__all__ = [
    "ENVIRONMENT",
    "Logo",
    "OrganisationProfile",
    "Profiles",
    "ProfilesError",
    "default_profiles",
    "load_profiles",
]

ENVIRONMENT = "BEOORDELING_PROFILES"
"""The environment variable that points a deployment at its own profiles file."""
_HINT = N_("see profiles/README.md for the format")

Line = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Paragraph = Annotated[str, StringConstraints(min_length=1, max_length=2_000, strip_whitespace=True)]


class ProfilesError(InputError):
    """A profiles file that cannot be used; each problem names the file, line and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    name: Line
    phone: Phone | None = None
    email: Email | None = None


class Signatory(_Strict):
    name: Line
    function: Line


class OrganisationProfile(_Strict):
    name: Line
    aliases: list[Line] = Field(default_factory=list, max_length=10)
    department: Line | None = None
    visiting_address: list[Line] = Field(default_factory=list, max_length=4)
    postal_address: list[Line] = Field(default_factory=list, max_length=4)
    contact: Person | None = None
    signatory: Signatory | None = None
    logo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.(png|svg)$")] | None = None
    """A PNG or SVG file beside the profiles file, shown above the organisation's sender block."""


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str


LOGO_MAX_BYTES = 512 * 1024
_SVG_FETCHES = re.compile(rb"<!DOCTYPE|<!ENTITY|href\s*=|url\s*\(|@import|<style|<script|<foreignObject", re.I)


def _logo(folder: Path, name: str) -> Logo | str:
    """The logo file's bytes, or why it cannot be used."""
    path = folder / name
    try:
        if path.is_symlink() or not path.is_file():
            return _("no such file beside the profiles file: {name}").format(name=name)
        if path.stat().st_size > LOGO_MAX_BYTES:
            return _("the logo is larger than {kib} KiB").format(kib=LOGO_MAX_BYTES // 1024)
        data = path.read_bytes()
    except OSError as exc:
        return _("cannot read the logo: {reason}").format(reason=os_reason(exc))
    if name.endswith(".png"):
        return Logo(data, "image/png") if data.startswith(b"\x89PNG\r\n\x1a\n") else _("not a PNG image")
    if b"<svg" not in data[:4096] or _SVG_FETCHES.search(data):
        return _("an SVG logo must be a plain drawing: no DTD, links, external images, stylesheets or scripts")
    return Logo(data, "image/svg+xml")


class _File(_Strict):
    format: Literal[1]
    example: bool
    questions: Paragraph
    escalation: Paragraph
    organisations: list[OrganisationProfile] = Field(max_length=200)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        seen: set[str] = set()
        for profile in self.organisations:
            for name in (profile.name, *profile.aliases):
                if name.casefold() in seen:
                    raise ValueError(_("the organisation name {name!r} is given twice").format(name=name))
                seen.add(name.casefold())
        return self


@dataclass(frozen=True)
class Profiles:
    """The loaded profiles, and the paragraph texts."""

    source: str
    example: bool
    questions: str
    escalation: str
    organisations: tuple[OrganisationProfile, ...]
    logos: dict[str, Logo] = field(default_factory=dict)
    """By organisation name (casefolded): the logo files the profiles name, read and checked."""

    def logo(self, name: str | None) -> Logo | None:
        profile = self.find(name)
        return self.logos.get(profile.name.casefold()) if profile else None

    def find(self, name: str | None) -> OrganisationProfile | None:
        """The profile of ``name`` (or one of its aliases), ignoring case."""
        if not name:
            return None
        wanted = name.casefold()
        return next(
            (p for p in self.organisations if wanted in {n.casefold() for n in (p.name, *p.aliases)}),
            None,
        )

    def questions_paragraph(self, organisation: str | None, *, escalation: bool) -> str:
        """The paragraph on questions and disagreement, filled in with ``organisation``'s contact."""
        profile = self.find(organisation)
        contact = profile.contact if profile else None
        text = self.questions.format(
            organisation=profile.name if profile else (organisation or "de coördinerend zorgverzekeraar"),
            contact=contact.name if contact else "de contactpersoon",
            email=contact.email if contact and contact.email else "het bekende adres",
        )
        return f"{text} {self.escalation}" if escalation else text


def load_profiles(path: Path | str | None = None) -> Profiles:
    """Read a profiles file (default: ``$BEOORDELING_PROFILES``, else the shipped examples)."""
    if path is None:
        path = os.environ.get(ENVIRONMENT) or bundled_dir("profiles") / "organisations.yaml"
    file = Path(path)
    source = _yaml.display_path(file)
    try:
        document = _yaml.read(file, source)
    except _yaml.YamlProblem as exc:
        raise ProfilesError([exc.problem]) from None
    try:
        spec = _File.model_validate(document.data)
    except ValidationError as exc:
        raise ProfilesError(problems_from(exc, source, document.line_of, _HINT)) from None
    try:
        spec.questions.format(organisation="", contact="", email="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigurationError(
            _("{source}: questions may use only {{organisation}}, {{contact}} and {{email}} ({exc})").format(
                source=source, exc=exc
            )
        ) from None
    logos: dict[str, Logo] = {}
    problems = []
    for i, profile in enumerate(spec.organisations):
        if profile.logo is None:
            continue
        found = _logo(file.parent, profile.logo)
        if isinstance(found, str):
            loc = ("organisations", i, "logo")
            problems.append(Problem(found, source, loc, document.line_of(loc)))
        else:
            logos[profile.name.casefold()] = found
    if problems:
        raise ProfilesError(problems)
    return Profiles(source, spec.example, spec.questions, spec.escalation, tuple(spec.organisations), logos)


@cache
def default_profiles() -> Profiles:
    """The profiles in use (``$BEOORDELING_PROFILES`` or the shipped examples), loaded once."""
    return load_profiles()
