"""Compose an answer about a dispositif from its knowledge-base record.

The facts come from the record, the connecting words from the domain's responses
(``actions.texts``); the result carries the keys of the sources it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from knowledge.base import KnowledgeBase
from knowledge.communes import Commune
from knowledge.schema import Contact, Dispositif, Fact, Office

from actions.texts import response_buttons, response_text

GPS_ID = "gps_administration"
HUMAN_PAYLOAD = "/ask_human"
# Three follow-ups keep a spoken menu short enough to remember.
MAX_FOLLOW_UPS = 3

# The facts of a record that answer each attribute (contact and horaires are composed
# from contacts and local offices).
ATTRIBUTE_FACTS = {
    "conditions": ("conditions", "public"),
    "demarches": ("demarches",),
    "documents": ("documents",),
    "montant": ("amounts",),
    "delai": ("delais",),
}


@dataclass
class Answer:
    """Text, buttons and provenance of one answer."""

    text: str
    record: Dispositif
    attribute: Optional[str]
    source_keys: List[str] = field(default_factory=list)
    offices: List[Office] = field(default_factory=list)
    gps_cited: bool = False
    buttons: List[Dict[str, str]] = field(default_factory=list)
    asks_commune: bool = False

    def sources(self, base: KnowledgeBase) -> List[Dict[str, Any]]:
        """Every source behind the answer, as answer metadata."""
        cited = base.cite(self.record, self.source_keys)
        for office in self.offices:
            cited.extend(source for source in base.cite_office(office) if source not in cited)
        gps = base.get(GPS_ID)
        if self.gps_cited and gps is not None and self.record.id != GPS_ID:
            keys = [key for contact in gps.contacts for key in contact.sources]
            cited.extend(source for source in base.cite(gps, keys) if source not in cited)
        return cited


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def gps_contact_line(base: KnowledgeBase) -> str:
    """How to reach the GPS administration, from its record."""
    gps = base.get(GPS_ID)
    if gps is None:
        return ""
    return contact_line(gps.contacts[0])


def contact_line(contact: Contact) -> str:
    parts = [contact.organisation]
    if contact.role:
        parts[0] += f" ({contact.role})"
    parts.extend(value for value in (contact.phone, contact.hours, contact.address, contact.web) if value)
    return " — ".join(parts)


def office_line(office: Office) -> str:
    parts = [office.name]
    if office.city and office.city not in office.name:
        parts[0] += f", {office.city}"
    parts.extend(value for value in (office.address, office.phone, office.hours, office.web) if value)
    return " — ".join(parts)


def status_warning(domain: Dict[str, Any], record: Dispositif) -> str:
    if record.status in ("projet", "termine", "experimentation", "professionnels"):
        return response_text(domain, f"utter_status_{record.status}")
    return ""


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


class AnswerComposer:
    """Builds answers for one knowledge base and one domain."""

    def __init__(self, base: KnowledgeBase, domain: Dict[str, Any]) -> None:
        self.base = base
        self.domain = domain

    def text(self, response: str, **values: Any) -> str:
        return response_text(self.domain, response, **values)

    def compose(
        self, record: Dispositif, attribute: Optional[str], commune: Optional[Commune]
    ) -> Answer:
        if attribute is None:
            return self._overview(record, commune)
        if attribute in ("contact", "horaires"):
            return self._contact(record, attribute, commune)
        return self._facts(record, attribute)

    def _overview(self, record: Dispositif, commune: Optional[Commune]) -> Answer:
        contact = record.contacts[0]
        text = _join(
            status_warning(self.domain, record),
            self.text("utter_answer_overview", name=record.name, summary=record.summary.text),
            self.text("utter_answer_contact_line", contact=contact_line(contact)),
        )
        return Answer(
            text=text,
            record=record,
            attribute=None,
            source_keys=[*record.summary.sources, *contact.sources],
            buttons=self._follow_up_buttons(None),
        )

    def _facts(self, record: Dispositif, attribute: str) -> Answer:
        facts: List[Fact] = []
        for field_name in ATTRIBUTE_FACTS[attribute]:
            facts.extend(getattr(record, field_name))
            if facts:
                break
        if not facts:
            return self._unknown(record, attribute)
        items = []
        for fact in facts:
            as_of = getattr(fact, "as_of", None)
            if as_of is not None:
                items.append(f"{fact.text} {self.text('utter_as_of', date=as_of.strftime('%d/%m/%Y'))}")
            else:
                items.append(fact.text)
        text = _join(
            status_warning(self.domain, record),
            self.text(f"utter_heading_{attribute}", name=record.name),
            bullet_list(items),
        )
        return Answer(
            text=text,
            record=record,
            attribute=attribute,
            source_keys=[key for fact in facts for key in fact.sources],
            buttons=self._follow_up_buttons(attribute),
        )

    def _follow_up_buttons(self, answered: Optional[str]) -> List[Dict[str, str]]:
        """The next questions worth offering: not the one just answered, at most
        ``MAX_FOLLOW_UPS`` of them, then the way to a person."""
        buttons = response_buttons(self.domain, "utter_answer_buttons")
        follow_ups = [
            button
            for button in buttons
            if button["payload"] != HUMAN_PAYLOAD and button["payload"] != f"/ask_{answered}"
        ]
        human = [button for button in buttons if button["payload"] == HUMAN_PAYLOAD]
        return follow_ups[:MAX_FOLLOW_UPS] + human

    def _unknown(self, record: Dispositif, attribute: str) -> Answer:
        text = self.text(
            "utter_attribute_unknown",
            name=record.name,
            attribute_label=self.text(f"utter_label_{attribute}"),
            gps_contact=gps_contact_line(self.base),
        )
        return Answer(
            text=text,
            record=record,
            attribute=attribute,
            source_keys=[],
            gps_cited=True,
            buttons=response_buttons(self.domain, "utter_human_buttons"),
        )

    def _contact(
        self, record: Dispositif, attribute: str, commune: Optional[Commune]
    ) -> Answer:
        local_types = [contact.office_type for contact in record.contacts if contact.office_type]
        if local_types and commune is None:
            return Answer(
                text=self.text("utter_ask_commune", name=record.name),
                record=record,
                attribute=attribute,
                source_keys=[key for contact in record.contacts for key in contact.sources],
                asks_commune=True,
            )
        lines: List[str] = []
        keys: List[str] = []
        offices: List[Office] = []
        for contact in record.contacts:
            keys.extend(contact.sources)
            if attribute == "horaires" and not contact.hours and not contact.office_type:
                continue
            lines.append(contact_line(contact))
            if contact.office_type and commune is not None:
                local = self.base.offices_for(commune, contact.office_type)
                offices.extend(office for office in local if office not in offices)
                lines.extend(
                    self.text("utter_local_office", commune=commune.nom, office=office_line(office))
                    for office in local[:2]
                )
        if attribute == "horaires" and not any(
            contact.hours for contact in record.contacts
        ) and not any(office.hours for office in offices):
            return self._unknown(record, attribute)
        gps_needed = bool(local_types) and not offices
        text = _join(
            status_warning(self.domain, record),
            self.text(f"utter_heading_{attribute}", name=record.name),
            bullet_list(lines),
            self.text("utter_no_local_office", gps_contact=gps_contact_line(self.base))
            if gps_needed
            else "",
        )
        return Answer(
            text=text,
            record=record,
            attribute=attribute,
            source_keys=keys,
            offices=offices,
            gps_cited=gps_needed,
            buttons=self._follow_up_buttons(attribute),
        )
