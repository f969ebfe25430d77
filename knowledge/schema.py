"""Schema of the knowledge base: dispositifs, local offices and territoires.

Every fact carries the keys of its sources; a source is either a passage of a seed
document (file, line range, verbatim quote) or a public reference with an ``as_of`` date
that stays ``verified: false`` until someone checks it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
LINE_RANGE = re.compile(r"^(\d+)-(\d+)$")
PHONE = re.compile(r"^(0[1-9](?: ?\d){8}|0 ?8\d{2}(?: ?\d){6}|1\d{1,2}(?: ?\d{3})?|3\d{3})$")

Category = Literal[
    "acces_aux_droits",
    "insertion_emploi",
    "handicap",
    "autonomie",
    "mobilite",
    "logement",
    "sante",
    "famille_enfance",
    "jeunesse_education",
    "numerique",
    "demarches_administratives",
    "culture_sport_loisirs",
    "environnement",
    "urgence",
]

Status = Literal["existant", "experimentation", "projet", "termine", "professionnels"]

OfficeType = Literal[
    "mds",
    "france_services",
    "adil",
    "caf",
    "cpam",
    "plateforme_mobilite",
    "slai",
    "mission_locale",
    "maison_des_adolescents",
    "cpef",
    "acces_au_droit",
    "sante_mentale",
    "france_travail",
    "mobilite",
    "autre",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeedSource(_Strict):
    """A passage of a seed document in ``knowledge/sources/``."""

    seed: str
    lines: str
    quote: str = Field(min_length=8)

    @field_validator("seed")
    @classmethod
    def _seed_name(cls, value: str) -> str:
        if not SEED_FILE.match(value):
            raise ValueError(f"not a seed file name: {value!r}")
        return value

    @field_validator("lines")
    @classmethod
    def _line_range(cls, value: str) -> str:
        match = LINE_RANGE.match(value)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise ValueError(f"line range must be 'first-last': {value!r}")
        return value

    @property
    def first_line(self) -> int:
        return int(self.lines.split("-")[0])

    @property
    def last_line(self) -> int:
        return int(self.lines.split("-")[1])

    @property
    def ref(self) -> str:
        return f"{self.seed}:{self.lines}"


class PublicSource(_Strict):
    """A public reference outside the seeds (national rules, amounts, official sites)."""

    url: str = Field(pattern=r"^https?://")
    title: str
    publisher: str
    as_of: date
    verified: bool

    @property
    def ref(self) -> str:
        return self.url


Source = Union[SeedSource, PublicSource]


class Fact(_Strict):
    """One statement, in plain French, with the keys of the sources that support it."""

    text: str = Field(min_length=3)
    sources: List[str] = Field(min_length=1)


class Amount(Fact):
    """An amount or rate; always dated."""

    as_of: date


Weekday = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAYS: List[str] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


class OpeningSlot(_Strict):
    """Opening hours on some weekdays, in Europe/Paris time ("08:00" to "21:00")."""

    days: List[Weekday] = Field(min_length=1)
    opens: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")


class Contact(_Strict):
    """Who to contact. ``office_type`` means: the local office of that type for the
    user's commune (see ``knowledge/offices/``)."""

    organisation: str
    role: Optional[str] = None
    phone: Optional[str] = None
    hours: Optional[str] = None
    web: Optional[str] = None
    address: Optional[str] = None
    office_type: Optional[OfficeType] = None
    opening_hours: List[OpeningSlot] = []
    sources: List[str] = Field(min_length=1)

    @field_validator("phone")
    @classmethod
    def _phone_format(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not PHONE.match(value):
            raise ValueError(f"not a French phone number as written: {value!r}")
        return value


class Territory(_Strict):
    scope: Literal["national", "region", "departement", "territoires", "epci", "communes"]
    territoires: List[str] = []
    epci: List[str] = []
    text: str
    sources: List[str] = Field(min_length=1)


class Dispositif(_Strict):
    """One thing a resident can be oriented to: a benefit, a service, a place, a plan."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: List[str] = Field(min_length=1)
    category: Category
    intent: str = Field(pattern=r"^(ask_[a-z_]+|emergency)$")
    status: Status
    summary: Fact
    public: List[Fact] = []
    conditions: List[Fact] = []
    demarches: List[Fact] = []
    documents: List[Fact] = []
    contacts: List[Contact] = Field(min_length=1)
    territory: Territory
    amounts: List[Amount] = []
    delais: List[Fact] = []
    needs_human: List[Fact] = []
    notes: List[Fact] = []
    related: List[str] = []
    sources: Dict[str, Source] = Field(min_length=1)

    def facts(self) -> List[Union[Fact, Contact, Territory]]:
        """Every sourced statement of the record."""
        items: List[Union[Fact, Contact, Territory]] = [self.summary, self.territory]
        for group in (
            self.public,
            self.conditions,
            self.demarches,
            self.documents,
            self.contacts,
            self.amounts,
            self.delais,
            self.needs_human,
            self.notes,
        ):
            items.extend(group)
        return items

    @model_validator(mode="after")
    def _sources_resolve(self) -> "Dispositif":
        used = {key for fact in self.facts() for key in fact.sources}
        missing = used - set(self.sources)
        if missing:
            raise ValueError(f"{self.id}: unknown source keys {sorted(missing)}")
        unused = set(self.sources) - used
        if unused:
            raise ValueError(f"{self.id}: sources never cited {sorted(unused)}")
        return self


class Serves(_Strict):
    """The area an office serves; empty lists and ``departement: false`` mean nowhere."""

    departement: bool = False
    territoires: List[str] = []
    epci: List[str] = []
    communes: List[str] = []


class Office(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: OfficeType
    name: str
    city: Optional[str] = None
    commune_insee: Optional[str] = None
    serves: Serves
    phone: Optional[str] = None
    hours: Optional[str] = None
    address: Optional[str] = None
    web: Optional[str] = None
    note: Optional[str] = None
    sources: List[str] = Field(min_length=1)

    @field_validator("phone")
    @classmethod
    def _phone_format(cls, value: Optional[str]) -> Optional[str]:
        return Contact._phone_format(value)


class OfficeFile(_Strict):
    """One file of ``knowledge/offices/``: offices of one kind and their sources."""

    sources: Dict[str, Source] = Field(min_length=1)
    offices: List[Office] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources_resolve(self) -> "OfficeFile":
        used = {key for office in self.offices for key in office.sources}
        missing = used - set(self.sources)
        if missing:
            raise ValueError(f"unknown source keys {sorted(missing)}")
        return self


class Territoire(_Strict):
    """A territoire of the Département and the EPCI (SIREN) it groups."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    epci: List[str] = Field(min_length=1)
    sources: List[str] = Field(min_length=1)


class TerritoireFile(_Strict):
    sources: Dict[str, Source] = Field(min_length=1)
    territoires: List[Territoire] = Field(min_length=1)
