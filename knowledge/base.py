"""The one module that loads and queries the knowledge base.

Loaded once per process (``get_knowledge_base``); every action goes through it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from rapidfuzz import fuzz, process

from knowledge.communes import Commune, CommuneIndex
from knowledge.lexicon import french_lemmas, is_another_word
from knowledge.schema import (
    Dispositif,
    Office,
    OfficeFile,
    PublicSource,
    SeedSource,
    Source,
    Territoire,
    TerritoireFile,
)
from knowledge.sources import quote_problems
from knowledge.spoken_letters import spelled_acronyms
from knowledge.text import FUNCTION_WORDS, fold

KNOWLEDGE_DIR = Path(__file__).resolve().parent

# Fuzzy alias matching only for aliases long enough not to collide with ordinary words
# ("rsa" must not match "usa"); short aliases must appear exactly.
FUZZY_MIN_LENGTH = 6
FUZZY_MIN_SCORE = 88.0


class KnowledgeBaseError(ValueError):
    """The files under ``knowledge/`` are inconsistent."""


@dataclass(frozen=True)
class AliasMatch:
    """A dispositif named in a message, and how it was recognised."""

    dispositif_id: str
    alias: str
    score: float
    exact: bool
    # The words of the message that matched (folded): the alias itself, or its misspelling.
    found: str = ""


@dataclass(frozen=True)
class IntentFamily:
    """A topic intent and the dispositif it means by default (``knowledge/intents.yml``)."""

    name: str
    default: str
    label: str


def _load_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class KnowledgeBase:
    """Dispositifs, offices, territoires and communes, with the queries the actions need."""

    def __init__(
        self,
        dispositifs: Sequence[Dispositif],
        offices: Sequence[Office],
        office_sources: Dict[str, Dict[str, Source]],
        territoires: Sequence[Territoire],
        territoire_sources: Dict[str, Source],
        communes: CommuneIndex,
        intents: Dict[str, "IntentFamily"],
    ) -> None:
        self.intents = intents
        self.dispositifs: Dict[str, Dispositif] = {}
        for record in dispositifs:
            if record.id in self.dispositifs:
                raise KnowledgeBaseError(f"duplicate dispositif id {record.id!r}")
            self.dispositifs[record.id] = record
        self.offices = list(offices)
        self._office_sources = office_sources
        self.territoires = {territoire.id: territoire for territoire in territoires}
        self._territoire_sources = territoire_sources
        self.communes = communes
        self._aliases = self._build_alias_index()
        self._fuzzy_groups = self._build_fuzzy_groups()
        self._acronyms = self._build_acronym_index()
        # The lexicon that tells typos from other words (about 1 s to read): loaded with the
        # aliases, not during a resident's first message.
        french_lemmas()

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, root: Path = KNOWLEDGE_DIR, strict: bool = True) -> "KnowledgeBase":
        """Read and validate every file of the knowledge base under ``root``.

        ``strict`` also refuses broken links between files (see ``problems``).
        """
        dispositifs = []
        for path in sorted((root / "dispositifs").glob("*.yml")):
            try:
                dispositifs.append(Dispositif.model_validate(_load_yaml(path)))
            except ValueError as error:
                raise KnowledgeBaseError(f"{path.name}: {error}") from error
        offices: List[Office] = []
        office_sources: Dict[str, Dict[str, Source]] = {}
        for path in sorted((root / "offices").glob("*.yml")):
            try:
                office_file = OfficeFile.model_validate(_load_yaml(path))
            except ValueError as error:
                raise KnowledgeBaseError(f"{path.name}: {error}") from error
            for office in office_file.offices:
                office_sources[office.id] = office_file.sources
            offices.extend(office_file.offices)
        territoire_path = root / "geo" / "territoires.yml"
        if territoire_path.exists():
            territoire_file = TerritoireFile.model_validate(_load_yaml(territoire_path))
            territoires, territoire_sources = (
                territoire_file.territoires,
                dict(territoire_file.sources),
            )
        else:
            territoires, territoire_sources = [], {}
        communes = CommuneIndex.load(root / "geo" / "communes.json")
        raw_intents = _load_yaml(root / "intents.yml")
        assert isinstance(raw_intents, dict)
        intents = {
            name: IntentFamily(name, entry["default"], entry["label"])
            for name, entry in raw_intents.items()
        }
        base = cls(
            dispositifs,
            offices,
            office_sources,
            territoires,
            territoire_sources,
            communes,
            intents,
        )
        if strict:
            problems = base.problems()
            if problems:
                raise KnowledgeBaseError("; ".join(problems[:20]))
        return base

    def problems(self) -> List[str]:
        """Broken links between files: ids, intents, territoires, quotes."""
        found = []
        for family in self.intents.values():
            if family.default not in self.dispositifs:
                found.append(f"{family.name}: default {family.default!r} unknown")
        for record in self.dispositifs.values():
            if record.intent not in self.intents:
                found.append(f"{record.id}: intent {record.intent!r} unknown")
            for related in record.related:
                if related not in self.dispositifs:
                    found.append(f"{record.id}: related id {related!r} unknown")
            for territoire in record.territory.territoires:
                if territoire not in self.territoires:
                    found.append(f"{record.id}: territoire {territoire!r} unknown")
            found.extend(f"{record.id}: {problem}" for problem in quote_problems(record.sources))
        office_ids = set()
        for office in self.offices:
            if office.id in office_ids:
                found.append(f"duplicate office id {office.id!r}")
            office_ids.add(office.id)
            for territoire in office.serves.territoires:
                if territoire not in self.territoires:
                    found.append(f"{office.id}: territoire {territoire!r} unknown")
            for commune in office.serves.communes + [office.commune_insee or ""]:
                if commune and self.communes and commune not in self.communes.communes:
                    found.append(f"{office.id}: commune {commune!r} unknown")
        for sources in [self._territoire_sources, *self._office_sources.values()]:
            found.extend(quote_problems(sources))
        return sorted(set(found))

    # ----------------------------------------------------------------- queries
    def get(self, dispositif_id: str) -> Optional[Dispositif]:
        return self.dispositifs.get(dispositif_id)

    def by_category(self, category: str) -> List[Dispositif]:
        return [record for record in self.dispositifs.values() if record.category == category]

    def by_intent(self, intent: str) -> List[Dispositif]:
        return [record for record in self.dispositifs.values() if record.intent == intent]

    def default_for_intent(self, intent: str) -> Optional[Dispositif]:
        """The dispositif a topic intent means when the message names none."""
        family = self.intents.get(intent)
        return self.dispositifs.get(family.default) if family else None

    def _build_alias_index(self) -> List[Tuple[str, str]]:
        index = set()
        for record in self.dispositifs.values():
            for alias in [record.name, record.id.replace("_", " "), *record.aliases]:
                folded = fold(alias)
                if folded:
                    index.add((folded, record.id))
        # Longest aliases first so that "aide au permis" wins over "permis".
        return sorted(index, key=lambda item: (-len(item[0]), item[0], item[1]))

    def _build_acronym_index(self) -> Dict[str, str]:
        """One-word aliases a caller could spell letter by letter ("pch", "cpam"), with
        their dispositif; a word two dispositifs share is left out."""
        owners: Dict[str, Set[str]] = {}
        for alias, dispositif_id in self._aliases:
            if 3 <= len(alias) <= 6 and alias.isalpha() and alias.isascii():
                owners.setdefault(alias, set()).add(dispositif_id)
        return {alias: ids.pop() for alias, ids in owners.items() if len(ids) == 1}

    def _build_fuzzy_groups(self) -> Dict[int, Tuple[List[str], List[int]]]:
        """Aliases long enough for fuzzy matching, by number of words: (aliases, their
        positions in ``_aliases``)."""
        groups: Dict[int, Tuple[List[str], List[int]]] = {}
        for position, (alias, _) in enumerate(self._aliases):
            if len(alias) >= FUZZY_MIN_LENGTH:
                aliases, positions = groups.setdefault(len(alias.split()), ([], []))
                aliases.append(alias)
                positions.append(position)
        return groups

    def find(self, text: str) -> List[AliasMatch]:
        """Dispositifs named in ``text``, best first (accent-, case- and typo-tolerant).

        Per dispositif: its longest alias found as written, or spelled out letter by letter
        (``knowledge.spoken_letters``); failing that, its longest alias close enough
        (``FUZZY_MIN_SCORE``) to a run of as many words of the text, when that run can be a
        misspelling of it (``plausible_typo``).
        """
        folded = f" {fold(text)} "
        words = folded.split()
        matches: Dict[str, AliasMatch] = {}
        for alias, dispositif_id in self._aliases:
            if dispositif_id not in matches and f" {alias} " in folded:
                matches[dispositif_id] = AliasMatch(dispositif_id, alias, 100.0, True, alias)
        for spoken, acronym in spelled_acronyms(words, self._acronyms):
            dispositif_id = self._acronyms.get(acronym, "")
            if dispositif_id and dispositif_id not in matches:
                matches[dispositif_id] = AliasMatch(dispositif_id, acronym, 100.0, True, spoken)
        close: List[Tuple[int, float, str]] = []
        for size, (aliases, positions) in self._fuzzy_groups.items():
            windows = [" ".join(words[start : start + size]) for start in range(len(words) - size + 1)]
            if not windows:
                continue
            scores = process.cdist(aliases, windows, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
            for index, window in zip(*scores.nonzero()):
                if plausible_typo(aliases[index], windows[window]):
                    close.append((positions[index], float(scores[index, window]), windows[window]))
        for position, score, found in sorted(close):
            alias, dispositif_id = self._aliases[position]
            if dispositif_id not in matches:
                matches[dispositif_id] = AliasMatch(dispositif_id, alias, score, False, found)
        return sorted(
            matches.values(), key=lambda match: (not match.exact, -len(match.alias), -match.score)
        )

    # ---------------------------------------------------------------- sources
    def all_sources(self) -> List[Tuple[str, Source]]:
        """Every source of every file, labelled ``owner/key``."""
        found: List[Tuple[str, Source]] = []
        for record in self.dispositifs.values():
            found.extend((f"{record.id}/{key}", source) for key, source in record.sources.items())
        for office in self.offices:
            sources = self._office_sources[office.id]
            found.extend((f"{office.id}/{key}", sources[key]) for key in office.sources)
        found.extend((f"territoires/{key}", source) for key, source in self._territoire_sources.items())
        return found

    def source(self, record: Dispositif, key: str) -> Source:
        return record.sources[key]

    def cite(self, record: Dispositif, keys: Iterable[str]) -> List[Dict[str, object]]:
        """The sources behind some facts of ``record``, as answer metadata."""
        seen: List[str] = []
        for key in keys:
            if key not in seen:
                seen.append(key)
        return [describe_source(record.sources[key]) for key in seen]

    def cite_office(self, office: Office) -> List[Dict[str, object]]:
        sources = self._office_sources[office.id]
        return [describe_source(sources[key]) for key in office.sources]

    # ------------------------------------------------------------- geography
    def resolve_commune(self, text: str) -> Optional[Commune]:
        return self.communes.resolve(text)

    def offices_for(self, commune: Optional[Commune], office_type: str) -> List[Office]:
        """Offices of ``office_type`` serving ``commune`` (nearest first), else the
        département-wide ones."""
        candidates = [office for office in self.offices if office.type == office_type]
        if commune is not None:
            local = [
                office
                for office in candidates
                if commune.insee in office.serves.communes
                or (commune.epci and commune.epci in office.serves.epci)
                or (commune.territoire and commune.territoire in office.serves.territoires)
            ]
            if local:
                return sorted(local, key=lambda office: office.commune_insee != commune.insee)
        return [office for office in candidates if office.serves.departement]


def plausible_typo(alias: str, window: str) -> bool:
    """Whether ``window`` (as many words as ``alias``) can be a misspelling of the alias.

    Each word that differs must start with the same two letters and be neither a short
    function word nor another French word: "a calais" is not "caf calais", "passe pas" is not
    "pass pass", "une partie du permis" is not "perte du permis", "mon collègue" is not "mon
    collège", while "covoitrage" is "covoiturage".
    """
    for alias_word, word in zip(alias.split(), window.split()):
        if alias_word == word:
            continue
        if word[:2] != alias_word[:2] or word in FUNCTION_WORDS or is_another_word(word, alias_word):
            return False
    return True


def describe_source(source: Source) -> Dict[str, object]:
    """A source as it travels in answer metadata and is shown to users."""
    if isinstance(source, SeedSource):
        return {
            "ref": source.ref,
            "title": SEED_TITLES.get(source.seed, source.seed),
            "quote": source.quote,
            "verified": True,
        }
    assert isinstance(source, PublicSource)
    return {
        "ref": source.url,
        "title": f"{source.title} ({source.publisher})",
        "url": source.url,
        "as_of": source.as_of.isoformat(),
        "verified": source.verified,
    }


SEED_TITLES = {
    "000_0ebb3e195845e0cf.txt": "Plan Vélo 62, Département du Pas-de-Calais (2021-2027)",
    "001_7b4773b411f153c2.txt": "Plan d'action Mobilité solidaire du Bassin Littoral Nord (2025)",
    "002_2bd50ce3b72820ef.txt": "Rapport développement durable 2023 du Département (2025)",
    "003_2ff2559bc512f040.txt": "Schéma d'accessibilité des services au public du Pas-de-Calais (2017)",
    "004_981757780385c203.txt": "Contrats de territoires 2023-2026 du Département (2023)",
}


@functools.lru_cache(maxsize=None)
def get_knowledge_base(root: Optional[str] = None) -> KnowledgeBase:
    """The process-wide knowledge base (``KNOWLEDGE_DIR`` or ``$KNOWLEDGE_DIR``).

    Broken links between files stop the process unless ``KNOWLEDGE_STRICT=0`` (while a
    batch of records is being written).
    """
    strict = os.environ.get("KNOWLEDGE_STRICT", "1") != "0"
    return KnowledgeBase.load(
        Path(root or os.environ.get("KNOWLEDGE_DIR", KNOWLEDGE_DIR)), strict=strict
    )
