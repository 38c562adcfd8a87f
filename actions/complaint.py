"""The complaint intake: start it, check the contact, and hand the result on."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import contract
from actions.knowledge import language_of
from actions.safe import SafeAction
from kb import texts

ANONYMOUS_WORDS = {"anonym", "anonymous", "nein", "no", "keine", "keine angabe", "möchte ich nicht"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{5,24}$")
MAX_COMPLAINT_CHARS = 2000


def normalise_contact(value: str) -> str | None:
    """'anonym', a cleaned e-mail address or phone number, or None when it is neither."""
    text = value.strip()
    if text.lower().strip(" .!") in ANONYMOUS_WORDS:
        return "anonym"
    if EMAIL.match(text):
        return text
    if PHONE.match(text):
        return text
    return None


class ActionStartComplaint(SafeAction):
    def name(self) -> str:
        return "action_start_complaint"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            json_message=contract.form_started(texts.text("complaint_start", language_of(tracker)), "complaint")
        )
        return [SlotSet("complaint_text", None), SlotSet("complaint_contact", None)]


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    def validate_complaint_text(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = " ".join(str(slot_value or "").split())
        if not text:
            return {"complaint_text": None}
        return {"complaint_text": text[:MAX_COMPLAINT_CHARS]}

    def validate_complaint_contact(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        contact = normalise_contact(str(slot_value or ""))
        if contact is None:
            dispatcher.utter_message(response="utter_complaint_contact_invalid")
        return {"complaint_contact": contact}


class ActionSubmitComplaint(SafeAction):
    def name(self) -> str:
        return "action_submit_complaint"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return [SlotSet("handoff_reason", "complaint"), FollowupAction("action_handoff")]
