"""Sources as a user reads them: the framework's own steps and conditions.

The code, ``forms/fields.yaml`` and the workflow's table record where a rule comes from as a
section of the team's domain brief (``§5.4 punt 1; criterium C6``), which is exact for the people
who maintain them but means nothing to a care provider or an assessor. What users read (a
workbook, a refusal) is translated here: a section of the
framework's steps and conditions becomes its name in the Beoordelingskader, a criterium stays as
it is, and a section without a counterpart there (statistics) is left out.
"""

from __future__ import annotations

import re

__all__ = ["framework_source", "in_framework_terms"]

_SECTIONS = {
    "1": "beleid transformatiemiddelen (data van indienen)",
    "3.1": "Beoordelingskader, partijen",
    "4": "Beoordelingskader, stappen 1 tot en met 4",
    "3.2": "Beoordelingskader, rol van de marktleiders",
    "3.3": "Beoordelingskader, coördinerend zorgverzekeraar",
    "3.4": "Beoordelingskader, consultatie van de overige zorgverzekeraars",
    "3.5": "Beoordelingskader, zorgkantoren",
    "3.6": "Beoordelingskader, toets van de NZa",
    "3.8": "Beoordelingskader, escalatie naar het Bestuurlijk Overleg IZA",
    "3.9": "Beoordelingskader, regio",
    "4.1": "Beoordelingskader, stap 1 (snelle toets)",
    "4.2": "Beoordelingskader, stap 2 (uitwerken plan)",
    "4.3": "Beoordelingskader, stap 3 (beoordeling plan)",
    "4.4": "Beoordelingskader, financiering",
    "4.5": "Beoordelingskader, stap 4 (implementatie en mijlpalen)",
    "4.7": "Regeling specifieke uitkering transformatiemiddelen IZA",
    "4.8": "beleid: of de termijn stilstaat bij een vraag om informatie",
    "5.1": "Beoordelingskader, stap 1 (impactvolle transformatie)",
    "5.2": "Beoordelingskader, stap 1, randvoorwaarde",
    "5.3": "Beoordelingskader, stap 1",
    "5.4": "Beoordelingskader, stap 3, voorwaarde",
    "5.5": "Beoordelingskader, stap 3, situationele aspecten",
    "5.6": "Beoordelingskader, voorwaarde transformatiemiddelen",
    "5.9": "aanscherping van de criteria (juni 2025)",
    "5.11": "Beoordelingskader, oordeel van de beoordelaars",
    "6.2": "Integraal Zorgakkoord, verdeling van de transformatiemiddelen",
    "6.3": "Integraal Zorgakkoord, transformatiemiddelen",
    "6.4": "Integraal Zorgakkoord, transformatiemiddelen",
    "8.1": "Integraal Zorgakkoord, thema's",
    "6.5": "Integraal Zorgakkoord, betaling en uitputting van de transformatiemiddelen",
    "9": "Beoordelingskader, stappen 1 tot en met 4",
}
_REFERENCE = re.compile(r"§(\d+(?:\.\d+)?)(?:-§\d+\.\d+)?(?: punt ([0-9]+(?: \([a-z]\))?(?: en [0-9]+)?))?")


def framework_source(source: str) -> str:
    """``source`` with every section of the domain brief replaced by the framework's own name for it."""
    parts: list[str] = []
    for piece in (p.strip() for p in source.split(";")):
        if "§" not in piece:
            if piece:
                parts.append(piece)
            continue
        prefix = piece[: piece.index("§")].strip(" (,")
        if prefix:  # "Beoordelingskader ..., stap 3 en 4 (§4.3, ...)": the words already name the framework
            parts.append(prefix)
            continue
        named = []
        for match in _REFERENCE.finditer(piece):
            name = _SECTIONS.get(match.group(1))
            if name is None:
                continue  # background without a counterpart in the framework (statistics)
            item = match.group(2)
            named.append(f"{name} {item}" if item and name.endswith(("voorwaarde", "transformatiemiddelen")) else name)
        parts.extend(dict.fromkeys(named))
    return "; ".join(dict.fromkeys(parts)) or "Beoordelingskader impactvolle transformaties"


_CITED = re.compile(r"\((?:domain\.md )?(§[^()]*(?:\([a-z]\)[^()]*)*)\)")


def in_framework_terms(text: str) -> str:
    """``text`` with every parenthesised citation of the domain brief, ``(domain.md §3.2)`` or
    ``(§4.1)``, replaced by the framework's name for it."""
    return _CITED.sub(lambda m: f"({framework_source(m.group(1))})", text) if "§" in text else text
