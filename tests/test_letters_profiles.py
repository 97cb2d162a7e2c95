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
        (("format: 1", "format: 2"), "profiles.yaml:7: format: Input should be 1"),
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
