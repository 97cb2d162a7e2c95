"""Organisation profiles: read strictly, found by name or alias, and what the letters take from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from beoordeling.cli import cli
from beoordeling.letters.profiles import ProfilesError, load_profiles

SHIPPED = Path(__file__).resolve().parent.parent / "profiles" / "organisations.yaml"


def test_the_shipped_profiles_are_examples_for_every_insurer_of_the_examples() -> None:
    profiles = load_profiles(SHIPPED)
    assert profiles.example
    for name in ("Coöperatie VGZ", "vgz", "Zilveren Kruis", "CZ", "Menzis", "Zorg en Zekerheid", "NZa", "BO IZA"):
        profile = profiles.find(name)
        assert profile is not None, name
        assert profile.signatory is not None
        assert profile.contact is not None
        assert profile.contact.email is not None
    assert profiles.find("Onbekende Verzekeraar") is None


def test_the_questions_paragraph_names_the_contact_and_adds_escalation_only_where_allowed() -> None:
    profiles = load_profiles(SHIPPED)
    plain = profiles.questions_paragraph("CZ", escalation=False)
    assert "neem dan contact op met E. Smit van CZ (transformatie@cz.example)" in plain
    assert "klachtenprocedure van CZ" in plain
    assert "BO IZA" not in plain
    assert "Bestuurlijk Overleg IZA (BO IZA)" in profiles.questions_paragraph("CZ", escalation=True)
    unknown = profiles.questions_paragraph("Onbekend", escalation=False)
    assert "contact op met de contactpersoon van Onbekend (het bekende adres)" in unknown


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("format: 1", "format: 2"), "profiles.yaml:7: format: expected 1; found 2"),
        (("    department: Zorginkoop\n", "    afdeling: Zorginkoop\n"), ":48: organisations[4].afdeling: unknown"),
        (("  - name: CZ\n", "  - name: Menzis\n"), "the organisation name 'Menzis' is given twice"),
        (("email: transformatie@cz.example", "email: x"), "organisations[2].contact.email: expected an e-mail"),
    ],
)  # fmt: skip
def test_a_broken_profiles_file_is_refused_with_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "profiles.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(ProfilesError) as caught:
        load_profiles(path)
    assert any(message in str(p) for p in caught.value.problems), [str(p) for p in caught.value.problems]
    result = CliRunner().invoke(cli, ["profiles", "check", str(path)])
    assert 2 == result.exit_code
    assert "Traceback" not in result.output


def test_a_deployment_points_at_its_own_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "eigen.yaml"
    own.write_text(SHIPPED.read_text(encoding="utf-8").replace("example: true", "example: false"), encoding="utf-8")
    monkeypatch.setenv("BEOORDELING_PROFILES", str(own))
    assert not load_profiles().example
    result = CliRunner().invoke(cli, ["profiles", "check"])
    assert (0, f"{own}: 7 profiles: OK") == (result.exit_code, result.output.splitlines()[0])


PNG = (  # a 1x1 transparent PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _with_logo(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / name).write_bytes(data)
    path = tmp_path / "profiles.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "    signatory: {name: mr. B. Jansen, function: directeur Zorginkoop}",
        f"    signatory: {{name: mr. B. Jansen, function: directeur Zorginkoop}}\n    logo: {name}",
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_a_logo_beside_the_profiles_file_is_shown_in_the_letter(tmp_path: Path) -> None:
    from io import BytesIO  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    from beoordeling import Store  # noqa: PLC0415
    from beoordeling.letters import LetterOffice, Renderer  # noqa: PLC0415
    from beoordeling.letters.html import letter_html  # noqa: PLC0415

    from .letters_support import build_walked_store  # noqa: PLC0415

    profiles = load_profiles(_with_logo(tmp_path, "vgz.png", PNG))
    logo = profiles.logo("VGZ")
    assert logo is not None
    assert "image/png" == logo.mime
    build_walked_store(tmp_path / "store.db")
    with Store.open(str(tmp_path / "store.db")) as store:
        office = LetterOffice(store, profiles)
        letter = office.letter(office.decision("TP-2023-0014", 43))
    [vgz] = [s for s in letter.senders if s.name == "Coöperatie VGZ"]
    assert vgz.logo is not None
    assert vgz.logo.startswith("logo-")
    html = letter_html(letter)
    assert f'<img class="logo" src="{vgz.logo}" alt="Coöperatie VGZ">' in html
    renderer = Renderer()
    pdf = renderer.render(html, letter.document)
    assert [] == renderer.safe.refused
    assert 1 <= len(PdfReader(BytesIO(pdf)).pages[0].images)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vgz.png", b"GIF89a", "not a PNG image"),
        ("vgz.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
         "an SVG logo must be a plain drawing"),
        ("vgz.svg", b"<!DOCTYPE svg [<!ENTITY a 'b'>]><svg/>", "an SVG logo must be a plain drawing"),
        ("vgz.svg", b"<svg><style>@import 'http://x/a.css';</style></svg>", "an SVG logo must be a plain drawing"),
        ("vgz.png", PNG + b"\x00" * (600 * 1024), "the logo is larger than 512 KiB"),
    ],
)  # fmt: skip
def test_a_logo_that_is_not_a_plain_image_is_refused_with_its_place(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = _with_logo(tmp_path, name, data)
    with pytest.raises(ProfilesError) as caught:
        load_profiles(path)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{path}:29: organisations[0].logo: {message}")


def test_a_missing_logo_file_is_named(tmp_path: Path) -> None:
    path = _with_logo(tmp_path, "vgz.png", PNG)
    (tmp_path / "vgz.png").unlink()
    with pytest.raises(ProfilesError, match=r"no such file beside the profiles file: vgz\.png"):
        load_profiles(path)
