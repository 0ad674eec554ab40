"""The Bloemendaal case in fixtures/ holds the seed: its decision points word for word,
every section heading in order, cleaned of the PDF extraction's damage."""

import re

import pytest
from django.conf import settings

from raadsvoorstel import demo
from raadsvoorstel.models import Municipality, Proposal, RegionalPlan, Theme, User

pytestmark = pytest.mark.django_db

# A copy of shared/seeds/000_8579eb9d86c3203b.txt, the extraction the case came from.
SEED = (settings.BASE_DIR / "tests" / "data" / "seed-bloemendaal-2023000853.txt").read_text(encoding="utf-8")

SEED_HEADINGS = [
    "Aanleiding en beoogd effect",
    "Politieke keuzeruimte",
    "Gedachtegang",
    "Overwegingen burgemeester",
    "Thema Zorg en Veiligheid",
    "Gecoördineerde aanpak",
    "Middelen",
    "Participatie",
    "Communicatie",
    "Samenwerking (Heemstede)",
    "Vervolgproces/evaluatie",
    "Bijlagen",
    "Achterliggende documenten",
]


def words(text: str) -> str:
    return " ".join(text.split())


def seed_decision_points() -> list[str]:
    """The numbered points of the seed's first "Voorgesteld besluit", lines rejoined."""
    block = SEED.split("\nbesluit:\n", 1)[1].split("De raad voornoemd", 1)[0]
    return [words(point) for point in re.split(r"^\d\. ", block.strip(), flags=re.MULTILINE) if point]


@pytest.fixture
def loaded(db):
    demo.load_reference_data()
    demo.create_demo_users()
    demo.load_demo_proposals()
    return Proposal.objects.get(municipality__code="GM0377", number="2023000853")


def test_both_decision_points_are_the_seeds_word_for_word(loaded):
    points = list(loaded.decision_points.values_list("text", flat=True))
    assert points == seed_decision_points()
    assert len(points) == 2


def test_every_section_heading_of_the_seed_is_there_in_order(loaded):
    headings = list(loaded.sections.values_list("heading", flat=True))
    assert headings == SEED_HEADINGS
    positions = [SEED.index(f"\n{heading}\n") for heading in headings]
    assert positions == sorted(positions)


def test_every_sentence_of_each_section_comes_from_the_seed(loaded):
    """Apart from the repaired damage, each section's words stand in the seed in order."""
    repaired = {"Openbare Orde & Veiligheid": "Openbare Orde ä Veiligheid", "nl/.": "nl/ ."}
    seed_words = words(SEED)
    for section in loaded.sections.all():
        body = section.body
        for clean, damaged in repaired.items():
            body = body.replace(clean, damaged)
        for paragraph in body.split("\n\n"):
            for line in paragraph.splitlines():
                line = line.removeprefix("- ").removeprefix("Thema 1: ")
                line = line.replace("Thema 4: ", "Thema 4. ").removesuffix(" niveau.")
                assert words(line) in seed_words.replace("Noord- Holland", "Noord-Holland"), line


def test_no_extraction_damage_is_left(loaded):
    text = "\n".join(f"{s.heading}\n{s.body}" for s in loaded.sections.all())
    for damage in ["»", "«", "* ", " ä ", "Bloemandaal", "  "]:
        assert damage not in text


def test_the_case_has_its_subject_proposer_date_and_legal_basis(loaded):
    assert loaded.subject == "Veiligheidsbeleid 2024-2027 van de Eenheid Noord-Holland"
    assert loaded.proposer == "burgemeester"
    assert loaded.date.isoformat() == "2023-08-22"
    assert loaded.legal_basis == [
        "artikel 38b, tweede lid, van de Politiewet 2012",
        "artikel 39, eerste lid, van de Politiewet 2012",
    ]
    assert list(loaded.attachments.values_list("title", flat=True)) == [
        "Concept Integraal Meerjarenbeleidsplan Veiligheid 2024-2027 Eenheid Noord-Holland"
    ]


def test_bloemendaal_has_its_code_and_council_size(loaded):
    bloemendaal = Municipality.objects.get(code="GM0377")
    assert bloemendaal.name == "Bloemendaal"
    assert bloemendaal.seats == 19


def test_the_imv_and_its_adoption_meeting_are_there(loaded):
    plan = RegionalPlan.objects.get(code="imv-nh-2024-2027")
    assert loaded.regional_plan == plan
    assert plan.adoption_date.isoformat() == "2023-11-09"
    assert plan.regional_body.name == "Regionaal Bestuurlijk Overleg Politie Eenheid Noord-Holland"


def test_the_imv_themes_and_sub_themes_are_there(loaded):
    tree = {
        theme.name: sorted(theme.children.values_list("name", flat=True))
        for theme in Theme.objects.filter(parent=None)
    }
    assert tree == {
        "Ondermijning": sorted(
            [
                "Weerbare jeugd/criminele aanwas",
                "Drugsproductie en -logistiek",
                "Criminele geldstromen",
                "Mensenhandel",
            ]
        ),
        "Jeugd en Veiligheid": ["Criminele aanwas"],
        "Cybercrime en gedigitaliseerde criminaliteit": sorted(
            ["Cybercrime", "Gedigitaliseerde criminaliteit", "Online bedreiging en intimidatie"]
        ),
        "Verbinding met de samenleving en maatschappelijke onrust": ["Extremisme", "Radicalisering"],
        "Zorg en Veiligheid": [],
    }
    assert Theme.objects.get(name="Zorg en Veiligheid").is_pending
    for line in ["- Weerbare jeugd/criminele aanwas", "- Online bedreiging en intimidatie", "- Extremisme"]:
        assert line in loaded.sections.get(heading="Overwegingen burgemeester").body


def test_loading_the_demo_again_keeps_what_is_there(loaded):
    loaded.subject = "Gewijzigd in de app"
    loaded.save()

    demo.load_reference_data()
    assert demo.create_demo_users() == []
    assert demo.load_demo_proposals() == []

    assert Proposal.objects.get(pk=loaded.pk).subject == "Gewijzigd in de app"
    assert User.objects.filter(username="griffie").count() == 1
