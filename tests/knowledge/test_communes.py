"""The communes of the Pas-de-Calais: complete, reproducible, and found in what people type."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from knowledge.base import KNOWLEDGE_DIR
from knowledge.communes import CommuneIndex
from knowledge.text import fold, strip_accents

GEO_DIR = KNOWLEDGE_DIR / "geo"
COMMUNES_JSON = GEO_DIR / "communes.json"

LENS, LIEVIN, SAINT_OMER, BOULOGNE = "62498", "62510", "62765", "62160"
HENIN_BEAUMONT, BERCK, HESDIN_LA_FORET, BETHUNE = "62427", "62108", "62447", "62119"


@pytest.fixture(scope="module")
def communes(knowledge_base) -> CommuneIndex:
    return knowledge_base.communes


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(COMMUNES_JSON.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the reference
def test_every_current_commune_of_the_departement_is_there(communes, data):
    assert len(communes) > 850
    assert len(communes) == len(data["communes"])
    assert all(insee.startswith("62") and len(insee) == 5 for insee in communes.communes)


def test_generated_from_the_pinned_packages(data):
    lock = json.loads((GEO_DIR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = {
        name.split("node_modules/", 1)[1]: entry["version"]
        for name, entry in lock["packages"].items()
        if name.startswith("node_modules/")
    }
    assert data["generated_from"]
    for package, version in data["generated_from"].items():
        assert pinned[package] == version
    manifest = json.loads((GEO_DIR / "package.json").read_text(encoding="utf-8"))
    for package, version in manifest["dependencies"].items():
        assert version[0].isdigit(), f"{package}: pin an exact version"


def test_node_modules_are_not_committed():
    assert "node_modules/" in (GEO_DIR / ".gitignore").read_text(encoding="utf-8").split()


def test_communes_json_is_what_the_build_script_writes(data):
    if not (GEO_DIR / "node_modules" / "@etalab" / "decoupage-administratif").exists():
        pytest.fail("INSEE reference data missing: run `make geo-reference` (make test does it)")
    spec = importlib.util.spec_from_file_location("build_communes", GEO_DIR / "build_communes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == data


def test_every_commune_has_postal_codes_an_epci_and_a_territoire(communes, knowledge_base):
    for commune in communes.communes.values():
        assert commune.codes_postaux, commune.nom
        assert commune.epci and commune.epci_nom, commune.nom
        assert commune.territoire in knowledge_base.territoires, commune.nom


def test_territoires_group_exactly_the_epci_of_their_communes(communes, knowledge_base):
    assert len(knowledge_base.territoires) == 7
    for territoire in knowledge_base.territoires.values():
        of_communes = {c.epci for c in communes.communes.values() if c.territoire == territoire.id}
        assert of_communes == set(territoire.epci), territoire.id
    every_epci = [siren for territoire in knowledge_base.territoires.values() for siren in territoire.epci]
    assert len(every_epci) == len(set(every_epci)), "an EPCI in two territoires"


def test_communes_deleguees_are_former_names(data):
    former = {name: row["insee"] for row in data["communes"] for name in row["anciens_noms"]}
    assert former["Hesdin"] == HESDIN_LA_FORET
    assert former["Labuissière"] == "62178"
    assert len(former) >= 10


def test_mots_ambigus_are_commune_names(communes, data):
    names = set(communes.by_name) | set(communes.by_former_name) | set(communes.by_usual_name)
    assert data["mots_ambigus"]
    for word in data["mots_ambigus"]:
        assert fold(word) in names, word


# ------------------------------------------------------------------ short answers
@pytest.mark.parametrize(
    "text, insee",
    [
        ("Liévin", LIEVIN),
        ("lievin", LIEVIN),
        ("LIEVIN", LIEVIN),
        ("62800", LIEVIN),
        ("st omer", SAINT_OMER),
        ("St-Omer", SAINT_OMER),
        ("Saint-Omer", SAINT_OMER),
        ("saint omer", SAINT_OMER),
        ("SAINT OMER", SAINT_OMER),
        ("62500", SAINT_OMER),
        ("boulogne sur mer", BOULOGNE),
        ("Boulogne-sur-Mer", BOULOGNE),
        ("Boulogne", BOULOGNE),
        ("62 200", BOULOGNE),
        ("Hénin-Beaumont", HENIN_BEAUMONT),
        ("henin beaumont", HENIN_BEAUMONT),
        ("Hénin", HENIN_BEAUMONT),
        ("Berck", BERCK),
        ("berck sur mer", BERCK),
        ("Hesdin", HESDIN_LA_FORET),  # commune déléguée
        ("Marconne", HESDIN_LA_FORET),  # commune déléguée
        ("Inghem", "62471"),  # commune déléguée of Bellinghem
        ("Berguette", "62473"),  # commune associée of Isbergues
        ("Montreuil", "62588"),
        ("montreuil sur mer", "62588"),
        ("le touquet", "62826"),
        ("Lens", LENS),
        ("62300", LENS),
        ("  béthune ", BETHUNE),
        ("Avion", "62065"),  # an ambiguous word still resolves as a short answer
    ],
)
def test_short_answers_resolve(communes, text, insee):
    commune = communes.resolve(text)
    assert commune is not None, text
    assert commune.insee == insee, (text, commune.nom)


def test_every_commune_name_resolves_in_any_spelling(communes):
    for commune in communes.communes.values():
        spellings = {
            commune.nom,
            commune.nom.lower(),
            commune.nom.upper(),
            strip_accents(commune.nom),
            commune.nom.replace("-", " "),
            strip_accents(commune.nom).lower().replace("-", " "),
            commune.nom.replace("Saint-", "St-").replace("Sainte-", "Ste-"),
            commune.nom.replace("Saint-", "st ").replace("Sainte-", "ste "),
        }
        for spelling in spellings:
            found = communes.resolve(spelling)
            assert found is not None and found.insee == commune.insee, (spelling, found)


def test_every_postal_code_resolves_to_one_of_its_communes(communes):
    assert len(communes.by_postal_code) > 100
    for code in communes.by_postal_code:
        commune = communes.resolve(code)
        assert commune is not None and code in commune.codes_postaux, code


def test_a_shared_postal_code_means_its_main_commune_first(communes):
    assert [c.insee for c in communes.by_postal("62300")][0] == LENS


def test_insee_codes_are_read_with_get(communes):
    assert communes.get(LENS).nom == "Lens"
    assert communes.get("59350") is None


# ------------------------------------------------------------------ sentences
@pytest.mark.parametrize(
    "sentence, insee",
    [
        ("jpeu avoir le rsa si jsuis a lens", LENS),
        ("j'habite vers bethune", BETHUNE),
        ("je suis de 62300", LENS),
        ("J'HABITE A LIEVIN", LIEVIN),
        ("je vis à st omer depuis deux ans", SAINT_OMER),
        ("c'est pour ma mère qui habite Hénin", HENIN_BEAUMONT),
        ("quelle caf pour boulogne sur mer ?", BOULOGNE),
        ("on habite à noyelles-godault", "62624"),
        ("j'habite Hesdin", HESDIN_LA_FORET),
        ("j'habite à Avion à côté de Lens", "62065"),
        ("je suis de Bus", "62189"),
        ("aire de covoiturage près de Marquise", "62560"),
        ("je vis sur Avion", "62065"),
    ],
)
def test_find_picks_the_commune_in_a_sentence(communes, sentence, insee):
    mentions = communes.find(sentence)
    assert mentions, sentence
    assert mentions[0].commune.insee == insee, (sentence, mentions[0].commune.nom)


EVERYDAY_SENTENCES = [
    "je voudrais savoir si j'ai droit au rsa",
    "comment faire une demande d'apa pour ma mère",
    "je prends le bus tous les matins pour aller au travail",
    "le ticket de bus coûte combien",
    "je dois prendre le bus puis le train",
    "j'ai pris l'avion pour partir en vacances",
    "on voyage en avion cet été",
    "je fais de la couture le soir",
    "ma fille fait de la couture et de la danse",
    "on s'est promenés au bord de la rivière",
    "c'est pas marant cette histoire",
    "je cherche une aire de covoiturage",
    "il y a une vieille église dans mon village",
    "c'est la Saint-Nicolas demain",
    "les attaques de panique me gâchent la vie",
    "le pommier du jardin est tombé",
    "j'ai perdu mon emploi le mois dernier",
    "ma mère est en perte d'autonomie",
    "est-ce que je peux avoir une aide pour le permis de conduire",
    "je suis au chômage depuis six mois",
    "mon propriétaire veut m'expulser",
    "je n'arrive plus à payer mon loyer",
    "je voudrais parler à quelqu'un",
    "bonjour, j'ai une question sur la pch",
    "mon enfant est handicapé, que faire",
    "je voudrais un rendez-vous avec une assistante sociale",
    "je cherche un vélo pas cher",
    "quels sont les horaires d'ouverture",
    "merci beaucoup pour votre aide",
    "mon fils a 17 ans et veut passer le code",
    "j'ai besoin d'aide pour remplir mon dossier caf",
    "la bours au permis c'est pour qui",
    "il a bus toute la nuit",
    "les événements culturels du Pas-de-Calais",
    "j'habite dans le pas de calais",
]


def test_the_departement_is_not_the_town_of_calais(communes):
    found = communes.find("j'habite dans le Pas-de-Calais, à Calais")
    assert [(mention.commune.insee, mention.text) for mention in found] == [("62193", "Calais")]


@pytest.mark.parametrize("sentence", EVERYDAY_SENTENCES)
def test_find_does_not_fire_on_everyday_sentences(communes, sentence):
    assert communes.find(sentence) == [], [m.commune.nom for m in communes.find(sentence)]


def test_find_reports_how_the_commune_was_named(communes):
    (by_code,) = communes.find("je suis de 62300")
    assert by_code.by == "postal_code" and by_code.text == "62300"
    (by_name,) = communes.find("j'habite à Liévin")
    assert by_name.by == "name" and by_name.text == "Liévin"
    (by_former,) = communes.find("j'habite Hesdin")
    assert by_former.by == "former_name"
    (by_usual,) = communes.find("ma mère vit à Boulogne")
    assert by_usual.by == "usual_name" and by_usual.commune.insee == BOULOGNE
