"""Write ``communes.json``: every current commune of the Pas-de-Calais (département 62).

Run from this folder, with the project's virtualenv (PyYAML reads ``territoires.yml``;
everything else is the Python 3.10 standard library)::

    cd knowledge/geo && npm ci && ../../.venv/bin/python build_communes.py

Inputs, all pinned:

* ``node_modules/@etalab/decoupage-administratif`` (exact version in package-lock.json):
  INSEE's Code officiel géographique as JSON — current communes (``commune-actuelle``),
  their communes déléguées / associées, postal codes, EPCI (SIREN) and arrondissements.
* ``node_modules/codes-postaux``: La Poste's postal codes by INSEE code; adds any postal
  code the first package lacks, and its "libellé d'acheminement" when it spells a commune
  differently ("MONTREUIL" for Montreuil-sur-Mer): those become ``noms_usuels``.
* ``territoires.yml``: the Département's 7 territoires and the EPCI each groups. The script
  fails if an EPCI of the département is in no territoire or in two.
* ``USUAL_NAMES`` and ``MOTS_AMBIGUS`` below: two small hand-made lists (see their comments).

Output (committed; one commune per line)::

    {"generated_from": {package: version, ...},
     "communes": [{"insee", "nom", "codes_postaux", "epci", "epci_nom", "territoire",
                   "anciens_noms", "noms_usuels", "population"}, ...],
     "mots_ambigus": [...]}

``anciens_noms`` are the communes déléguées and associées merged into the commune
("Hesdin" -> Hesdin-la-Forêt); ``noms_usuels`` are other names people use for it;
``population`` (INSEE) lets the resolver prefer the main commune of a shared postal code.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Dict, List

import yaml

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
DECOUPAGE = MODULES / "@etalab" / "decoupage-administratif"
CODES_POSTAUX = MODULES / "codes-postaux"
DEPARTEMENT = "62"

# Short or colloquial names that people use for a commune and that name no other commune
# of the département (checked below). Keys are official INSEE names.
USUAL_NAMES: Dict[str, List[str]] = {
    "Boulogne-sur-Mer": ["Boulogne"],
    "Le Touquet-Paris-Plage": ["Le Touquet", "Touquet"],
    "Berck": ["Berck-sur-Mer", "Berck-Plage"],
    "Hénin-Beaumont": ["Hénin"],
    "Bruay-la-Buissière": ["Bruay", "Bruay-en-Artois"],
    "Nœux-les-Mines": ["Noeux"],
    "Saint-Pol-sur-Ternoise": ["Saint-Pol"],
    "Auxi-le-Château": ["Auxi"],
    "Bully-les-Mines": ["Bully"],
    "Loos-en-Gohelle": ["Loos"],
    "Neufchâtel-Hardelot": ["Hardelot"],
    "Aire-sur-la-Lys": ["Aire"],
    "Hersin-Coupigny": ["Hersin"],
    "Calonne-Ricouart": ["Calonne"],
    "Étaples": ["Étaples-sur-Mer"],
}

# Commune names (official, former or usual, compared after knowledge.text.fold) that are
# also ordinary French words, first names or a common misspelling of a word, so that a
# sentence could contain them without naming the place. The resolver counts them in a
# sentence only after a place cue ("j'habite à Avion", "vers Bus", "commune de Selles").
#
# How the list was made: every single-word commune name and every name made only of
# dictionary words was compared with the French word list of Debian's ``wfrench`` package
# (folded the same way); the matches were then reviewed by hand, keeping the names a
# resident's message about an aid, a service or a journey could plausibly contain, and
# adding first names, a school subject and frequent misspellings that no dictionary
# holds. Dropped after review: names that are word forms nobody writes in such a message
# ("arques", "quernes", "pommera") and the town names themselves ("Calais").
MOTS_AMBIGUS: Dict[str, str] = {
    "Âmes": "âmes",
    "Avion": "prendre l'avion",
    "Brêmes": "brèmes (poisson)",
    "Bus": "prendre le bus",
    "Contes": "contes",
    "Denier": "denier",
    "Écurie": "écurie",
    "Fiefs": "fiefs",
    "Louches": "louche(s)",
    "Marquise": "marquise",
    "Mouriez": "vous mouriez",
    "Planques": "planques",
    "Pommier": "pommier",
    "Récourt": "il recourt à",
    "Rivière": "rivière",
    "Selles": "selles",
    "Teneur": "teneur",
    "Velu": "velu",
    "Eps": "EPS, éducation physique et sportive",
    "Rémy": "prénom",
    "Humbert": "prénom",
    "Erin": "prénom",
    "Boursin": "fromage",
    "Bours": "faute de frappe pour « bourse » (bourse au permis)",
    "Marant": "faute de frappe pour « marrant »",
    "Aire": "aire de jeux, aire de covoiturage (nom usuel d'Aire-sur-la-Lys)",
    "La Couture": "la couture",
    "La Loge": "la loge",
    "La Comté": "la comté",
    "Les Attaques": "les attaques",
    "Neuve-Chapelle": "une chapelle neuve",
    "Vieille-Chapelle": "une vieille chapelle",
    "Vieille-Église": "une vieille église",
    "Nouvelle-Église": "une nouvelle église",
    "Saint-Nicolas": "la Saint-Nicolas (fête)",
    "Sainte-Catherine": "la Sainte-Catherine (fête)",
}


def fold(text: str) -> str:
    """Same folding as ``knowledge.text.fold`` (kept here so the script stands alone)."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"}))
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    text = text.lower().replace("'", " ")
    words = [word for word in re.split(r"[\s\-_/.,;:!?()\"«»\u00a0\u2011\u2013\u2014]+", text) if word]
    abbreviations = {"st": "saint", "ste": "sainte", "s/": "sur"}
    return " ".join(abbreviations.get(word, word) for word in words)


def load_json(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def fail(message: str) -> None:
    print(f"build_communes.py: {message}", file=sys.stderr)
    sys.exit(1)


def title_case(label: str) -> str:
    """A La Poste label ("BAILLEUL SIRE BERTHOULT") as a readable name."""
    small = {"le", "la", "les", "lez", "lès", "sur", "sous", "en", "au", "aux", "de", "du", "des", "et"}
    words = re.split(r"([ \-])", label.lower())
    return "".join(
        word if (word in small and index) or word in {" ", "-"} else word.capitalize()
        for index, word in enumerate(words)
    )


def build() -> dict:
    if not DECOUPAGE.exists() or not CODES_POSTAUX.exists():
        fail("node_modules missing: run `npm ci` in knowledge/geo first")
    versions = {
        "@etalab/decoupage-administratif": load_json(DECOUPAGE / "package.json")["version"],
        "codes-postaux": load_json(CODES_POSTAUX / "package.json")["version"],
    }
    rows = [row for row in load_json(DECOUPAGE / "data" / "communes.json") if row.get("departement") == DEPARTEMENT]
    current = {row["code"]: row for row in rows if row["type"] == "commune-actuelle"}
    former: Dict[str, List[str]] = {}
    parent_of: Dict[str, str] = {}
    for row in rows:
        if row["type"] in ("commune-deleguee", "commune-associee"):
            parent_of[row["code"]] = row["chefLieu"]
            if fold(row["nom"]) != fold(current[row["chefLieu"]]["nom"]):
                former.setdefault(row["chefLieu"], []).append(row["nom"])

    epci_of: Dict[str, dict] = {}
    for epci in load_json(DECOUPAGE / "data" / "epci.json"):
        for member in epci["membres"]:
            if member["code"] in current:
                if member["code"] in epci_of:
                    fail(f"commune {member['code']} in two EPCI")
                epci_of[member["code"]] = epci

    territoire_file = yaml.safe_load((HERE / "territoires.yml").read_text(encoding="utf-8"))
    territoire_of_epci: Dict[str, str] = {}
    for territoire in territoire_file["territoires"]:
        for siren in territoire["epci"]:
            if siren in territoire_of_epci:
                fail(f"EPCI {siren} in two territoires")
            territoire_of_epci[siren] = territoire["id"]
    epci_of_62 = {epci["code"] for epci in epci_of.values()}
    missing = sorted(epci_of_62 - set(territoire_of_epci))
    if missing:
        fail(f"EPCI without territoire in territoires.yml: {missing}")
    unknown = sorted(set(territoire_of_epci) - epci_of_62)
    if unknown:
        fail(f"territoires.yml names EPCI that have no commune in the département: {unknown}")

    postal: Dict[str, set] = {code: set(row.get("codesPostaux", [])) for code, row in current.items()}
    usual: Dict[str, List[str]] = {code: [] for code in current}
    for entry in load_json(CODES_POSTAUX / "codes-postaux.json"):
        insee = entry["codeCommune"]
        insee = parent_of.get(insee, insee)
        if insee not in current:
            continue
        postal[insee].add(entry["codePostal"])
        label = entry["libelleAcheminement"]
        if fold(label) != fold(current[insee]["nom"]) and fold(label) not in map(fold, former.get(insee, [])):
            usual[insee].append(title_case(label))
    by_name = {row["nom"]: code for code, row in current.items()}
    for name, aliases in USUAL_NAMES.items():
        if name not in by_name:
            fail(f"USUAL_NAMES: no commune named {name!r}")
        usual[by_name[name]].extend(aliases)

    # Every name must lead to one commune only.
    owners: Dict[str, set] = {}
    for code, row in current.items():
        for name in [row["nom"], *former.get(code, []), *usual[code]]:
            owners.setdefault(fold(name), set()).add(code)
    clashes = {name: sorted(codes) for name, codes in owners.items() if len(codes) > 1}
    if clashes:
        fail(f"names shared by several communes: {clashes}")
    for name in MOTS_AMBIGUS:
        if fold(name) not in owners:
            fail(f"MOTS_AMBIGUS: {name!r} is not a commune name")

    communes = []
    for code in sorted(current):
        row = current[code]
        epci = epci_of.get(code)
        communes.append(
            {
                "insee": code,
                "nom": row["nom"],
                "codes_postaux": sorted(postal[code]),
                "epci": epci["code"] if epci else None,
                "epci_nom": epci["nom"] if epci else None,
                "territoire": territoire_of_epci.get(epci["code"]) if epci else None,
                "anciens_noms": sorted(former.get(code, [])),
                "noms_usuels": sorted(set(usual[code])),
                "population": row.get("population"),
            }
        )
    return {
        "generated_from": versions,
        "communes": communes,
        "mots_ambigus": sorted(MOTS_AMBIGUS),
    }


def write(data: dict, path: Path) -> None:
    """One commune per line: small diffs when INSEE's geography changes."""
    lines = ["{", f'  "generated_from": {json.dumps(data["generated_from"], ensure_ascii=False)},', '  "communes": [']
    rows = [json.dumps(row, ensure_ascii=False) for row in data["communes"]]
    lines.extend(f"    {row}," for row in rows[:-1])
    lines.append(f"    {rows[-1]}")
    lines.append("  ],")
    lines.append(f'  "mots_ambigus": {json.dumps(data["mots_ambigus"], ensure_ascii=False)}')
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    data = build()
    target = HERE / "communes.json"
    write(data, target)
    communes = data["communes"]
    print(
        f"{target.name}: {len(communes)} communes, "
        f"{sum(len(row['anciens_noms']) for row in communes)} anciens noms, "
        f"{len({code for row in communes for code in row['codes_postaux']})} codes postaux, "
        f"{len({row['epci'] for row in communes})} EPCI, "
        f"{len({row['territoire'] for row in communes})} territoires, "
        f"{len(data['mots_ambigus'])} mots ambigus"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
