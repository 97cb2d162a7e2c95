"""Decision letters: composed from the store, rendered to PDF safely, recorded and verifiable.

kinds        which events call for a letter, and who receives it
content      what a letter says, as data, from the stored record alone
fingerprint  the document number and the hash that ties a letter to its record
html         the letter as HTML (Jinja2, autoescaped): the pure step the golden tests read
pdf          HTML to PDF/A with WeasyPrint: safe fetcher, time limit, reusable renderer
office       finds pending letters, renders batches in worker processes, records them
verify       checks a PDF against the store
"""

from .content import Letter
from .kinds import LetterKind
from .office import IssuedLetter, LetterOffice
from .pdf import Renderer, font_subsetter
from .verify import LetterCheck, verify_letter

__all__ = [
    "IssuedLetter",
    "Letter",
    "LetterCheck",
    "LetterKind",
    "LetterOffice",
    "Renderer",
    "font_subsetter",
    "verify_letter",
]
