"""Local offices (knowledge/offices/): sourced, placed on the map, found for a commune."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Set

import pytest
import yaml

from knowledge.base import KNOWLEDGE_DIR
from knowledge.schema import OfficeFile, SeedSource
from knowledge.sources import cited_text, quote_problems
from knowledge.text import fold, seed_text

OFFICES_DIR = KNOWLEDGE_DIR / "offices"
TERRITOIRES = [
    "arrageois", "artois", "audomarois", "boulonnais", "calaisis", "lens_henin",
    "montreuillois_ternois",
]
GAP = frozenset()  # no office of this type in the seeds for the territoire: GPS hotline

# What the seeds (and, for the MDS de l'Artois, a pasdecalais.fr page) give, territoire by
# territoire: every office listed must serve at least one commune of the territoire; a GAP
# means no local office at all (the bot falls back to a département-wide office or to the
# GPS administration hotline). Offices assigned by "nearest office" are listed too.
EXPECTED: Dict[str, Dict[str, Set[str]]] = {
    "mds": {
        "arrageois": GAP,
        "artois": {"mds_artois"},
        "audomarois": {"mds_audomarois"},
        "boulonnais": GAP,
        "calaisis": {"mds_calaisis"},
        "lens_henin": GAP,
        "montreuillois_ternois": {"mds_montreuillois", "mds_ternois"},
    },
    "slai": {
        "arrageois": GAP,
        "artois": {"slai_artois"},
        "audomarois": {"slai_audomarois"},
        "boulonnais": GAP,
        "calaisis": {"slai_calaisis"},
        "lens_henin": GAP,
        "montreuillois_ternois": {"slai_montreuillois", "slai_ternois"},
    },
    "caf": {
        "arrageois": {"caf_arras"},
        "artois": {"caf_arras"},
        "audomarois": {"caf_saint_omer"},
        "boulonnais": {"caf_boulogne_sur_mer"},
        "calaisis": {"caf_calais"},
        "lens_henin": {"caf_arras"},
        "montreuillois_ternois": {"caf_boulogne_sur_mer", "caf_arras"},
    },
    "adil": {
        "arrageois": {"adil_arras"},
        "artois": {"adil_bethune"},
        "audomarois": {"adil_saint_omer"},
        "boulonnais": {"adil_boulogne_sur_mer"},
        "calaisis": {"adil_calais"},
        "lens_henin": {"adil_lens"},
        "montreuillois_ternois": {"adil_boulogne_sur_mer", "adil_arras"},
    },
    "france_services": {
        "arrageois": GAP,
        "artois": GAP,
        "audomarois": {"france_services_fauquembergues"},
        "boulonnais": GAP,
        "calaisis": GAP,
        "lens_henin": GAP,
        "montreuillois_ternois": {
            "france_services_beaurainville",
            "france_services_7_vallees_hesdin",
            "france_services_7_vallees_auchy",
            "france_services_7_vallees_blangy",
            "france_services_7_vallees_marles",
            "france_services_ternois",
        },
    },
    "maison_des_adolescents": {
        "arrageois": {"mda_henin_beaumont"},
        "artois": {"mda_henin_beaumont"},
        "audomarois": {"mda_littoral_saint_omer"},
        "boulonnais": {"mda_littoral_boulogne"},
        "calaisis": {"mda_littoral_boulogne", "mda_littoral_saint_omer"},
        "lens_henin": {"mda_henin_beaumont"},
        "montreuillois_ternois": {"mda_littoral_boulogne", "mda_henin_beaumont"},
    },
    "cpef": {
        "arrageois": GAP,
        "artois": GAP,
        "audomarois": GAP,
        "boulonnais": {"cpef_boulogne_sur_mer"},
        "calaisis": {"cpef_calais"},
        "lens_henin": GAP,
        "montreuillois_ternois": GAP,
    },
    "sante_mentale": {
        "arrageois": {"pass_ch_arras"},
        "artois": {"pass_ch_bethune"},
        "audomarois": {"pass_ch_region_saint_omer"},
        "boulonnais": {"pass_ch_boulogne_sur_mer"},
        "calaisis": {"pass_ch_calais"},
        "lens_henin": {"pass_ch_lens"},
        "montreuillois_ternois": {"pass_ch_arrondissement_montreuil", "pass_ch_arras"},
    },
    "plateforme_mobilite": {
        "arrageois": GAP,
        "artois": GAP,
        "audomarois": {"defi_mobilite"},
        "boulonnais": {"face_cote_opale"},
        "calaisis": {"face_cote_opale"},
        "lens_henin": GAP,
        "montreuillois_ternois": {"terrmoov_7_vallees"},
    },
    "mission_locale": {
        "arrageois": GAP,
        "artois": GAP,
        "audomarois": {"mission_locale_audomarois"},
        "boulonnais": GAP,
        "calaisis": {"mission_locale_calaisis"},
        "lens_henin": GAP,
        "montreuillois_ternois": {"mission_locale_ternois_adefi"},
    },
    "cpam": {
        "arrageois": {"cpam_artois"},
        "artois": {"cpam_artois"},
        "audomarois": {"cpam_cote_opale"},
        "boulonnais": {"cpam_cote_opale"},
        "calaisis": {"cpam_cote_opale"},
        "lens_henin": {"cpam_artois"},
        "montreuillois_ternois": {"cpam_cote_opale", "cpam_artois"},
    },
}

# Offices that serve the whole département, by type.
DEPARTEMENT_WIDE = {"adil": {"adil_numero_vert"}, "plateforme_mobilite": {"mamobilite62"}}


def office_files():
    return sorted(OFFICES_DIR.glob("*.yml"))


@pytest.mark.parametrize("path", office_files(), ids=lambda path: path.name)
def test_office_files_are_valid_and_their_quotes_stand(path: Path):
    office_file = OfficeFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert quote_problems(office_file.sources) == []
    used = {key for office in office_file.offices for key in office.sources}
    assert set(office_file.sources) == used, "every source is cited by an office"


def test_office_ids_are_unique(knowledge_base):
    ids = [office.id for office in knowledge_base.offices]
    assert len(ids) == len(set(ids))


def test_offices_point_to_real_places(knowledge_base):
    communes = knowledge_base.communes
    epci = {commune.epci for commune in communes.communes.values()}
    for office in knowledge_base.offices:
        serves = office.serves
        assert serves.departement or serves.territoires or serves.epci or serves.communes, office.id
        assert set(serves.territoires) <= set(knowledge_base.territoires), office.id
        assert set(serves.epci) <= epci, office.id
        assert all(communes.get(insee) for insee in serves.communes), office.id
        if office.commune_insee:
            commune = communes.get(office.commune_insee)
            assert commune is not None, office.id
            assert office.city and communes.resolve(office.city) == commune, office.id


def _cited_seed_text(knowledge_base, office) -> str:
    sources = knowledge_base._office_sources[office.id]
    return " ".join(
        cited_text(sources[key]) for key in office.sources if isinstance(sources[key], SeedSource)
    )


def test_phones_addresses_and_hours_come_from_the_cited_seed_lines(knowledge_base):
    """Never invented: every phone, address and hour figure stands in a cited passage."""
    for office in knowledge_base.offices:
        text = _cited_seed_text(knowledge_base, office)
        if office.phone:
            assert office.phone in seed_text(text), office.id
        if office.address:
            assert fold(office.address) in fold(text), office.id
        if office.hours:
            figures = set(re.findall(r"\d+", fold(text)))
            assert set(re.findall(r"\d+", office.hours)) <= figures, office.id


@pytest.mark.parametrize("office_type", sorted(EXPECTED))
def test_every_territoire_has_the_offices_the_seeds_give(knowledge_base, office_type):
    expected = EXPECTED[office_type]
    assert set(expected) == set(TERRITOIRES)
    for territoire in TERRITOIRES:
        local: Set[str] = set()
        for commune in knowledge_base.communes.communes.values():
            if commune.territoire != territoire:
                continue
            local |= {
                office.id
                for office in knowledge_base.offices_for(commune, office_type)
                if not office.serves.departement
            }
        if expected[territoire] is GAP:
            assert local == set(), f"{office_type}/{territoire}: no longer a gap, update EXPECTED"
        else:
            assert expected[territoire] <= local, (office_type, territoire, local)


def test_every_office_is_expected_somewhere(knowledge_base):
    listed = set().union(*(ids for by_territoire in EXPECTED.values() for ids in by_territoire.values()))
    listed |= set().union(*DEPARTEMENT_WIDE.values())
    assert {office.id for office in knowledge_base.offices} == listed


@pytest.mark.parametrize("office_type, ids", sorted(DEPARTEMENT_WIDE.items()))
def test_departement_wide_offices(knowledge_base, office_type, ids):
    assert {o.id for o in knowledge_base.offices_for(None, office_type)} == ids


@pytest.mark.parametrize(
    "commune_name, office_type, office_id",
    [
        ("Lens", "adil", "adil_lens"),
        ("Lens", "caf", "caf_arras"),
        ("Lens", "sante_mentale", "pass_ch_lens"),
        ("Lens", "maison_des_adolescents", "mda_henin_beaumont"),
        ("Lens", "cpam", "cpam_artois"),
        ("Lens", "plateforme_mobilite", "mamobilite62"),  # no territorial platform named
        ("Calais", "mds", "mds_calaisis"),
        ("Calais", "slai", "slai_calaisis"),
        ("Calais", "caf", "caf_calais"),
        ("Calais", "adil", "adil_calais"),
        ("Calais", "cpef", "cpef_calais"),
        ("Calais", "plateforme_mobilite", "face_cote_opale"),
        ("Calais", "mission_locale", "mission_locale_calaisis"),
        ("Arras", "caf", "caf_arras"),
        ("Arras", "adil", "adil_arras"),
        ("Arras", "sante_mentale", "pass_ch_arras"),
        ("Arras", "cpam", "cpam_artois"),
        ("Saint-Omer", "mds", "mds_audomarois"),
        ("Saint-Omer", "caf", "caf_saint_omer"),
        ("Saint-Omer", "adil", "adil_saint_omer"),
        ("Saint-Omer", "maison_des_adolescents", "mda_littoral_saint_omer"),
        ("Saint-Omer", "plateforme_mobilite", "defi_mobilite"),
        ("Saint-Omer", "mission_locale", "mission_locale_audomarois"),
        ("Montreuil-sur-Mer", "mds", "mds_montreuillois"),
        ("Montreuil-sur-Mer", "caf", "caf_boulogne_sur_mer"),
        ("Montreuil-sur-Mer", "adil", "adil_boulogne_sur_mer"),
        ("Montreuil-sur-Mer", "sante_mentale", "pass_ch_arrondissement_montreuil"),
        ("Hesdin", "france_services", "france_services_7_vallees_hesdin"),
        ("Saint-Pol-sur-Ternoise", "mds", "mds_ternois"),
        ("Béthune", "mds", "mds_artois"),
    ],
)
def test_offices_for_a_commune(knowledge_base, commune_name, office_type, office_id):
    commune = knowledge_base.resolve_commune(commune_name)
    assert commune is not None
    offices = knowledge_base.offices_for(commune, office_type)
    assert office_id in [office.id for office in offices], [office.id for office in offices]


def test_the_office_in_the_commune_comes_first(knowledge_base):
    auchy = knowledge_base.resolve_commune("Auchy-lès-Hesdin")
    offices = knowledge_base.offices_for(auchy, "france_services")
    assert offices[0].id == "france_services_7_vallees_auchy"
    assert len(offices) >= 2
    arras = knowledge_base.resolve_commune("Arras")
    assert knowledge_base.offices_for(arras, "caf")[0].commune_insee == arras.insee
