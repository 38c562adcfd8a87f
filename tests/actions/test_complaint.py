import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.complaint import ActionStartComplaint, ActionSubmitComplaint, ValidateComplaintForm, normalise_contact
from tests.actions.conftest import custom_of, domain, make_tracker


async def test_start_announces_the_complaint_form(dispatcher: CollectingDispatcher) -> None:
    events = await ActionStartComplaint().run(
        dispatcher, make_tracker("Ich möchte mich beschweren", "complain"), domain()
    )

    custom = custom_of(dispatcher)
    assert custom["form"] == "complaint"
    assert "Beschwerde" in custom["text"]
    assert {"event": "slot", "name": "complaint_text", "value": None, "timestamp": None} in events


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("anna@example.org", "anna@example.org"),
        (" 0234 / 567 89 ", "0234 / 567 89"),
        ("+49 2345 115-0", "+49 2345 115-0"),
        ("anonym", "anonym"),
        ("Nein.", "anonym"),
        ("morgen vielleicht", None),
        ("anna@", None),
        ("<script>alert(1)</script>", None),
    ],
)
def test_contact_is_an_address_a_number_or_anonymous(given: str, expected: object) -> None:
    assert normalise_contact(given) == expected


def test_an_invalid_contact_is_asked_again(dispatcher: CollectingDispatcher) -> None:
    result = ValidateComplaintForm().validate_complaint_contact(
        "weiß nicht", dispatcher, make_tracker("weiß nicht", "deny"), {}
    )
    assert result == {"complaint_contact": None}
    assert dispatcher.messages[0]["response"] == "utter_complaint_contact_invalid"


def test_complaint_text_is_trimmed_and_bounded(dispatcher: CollectingDispatcher) -> None:
    result = ValidateComplaintForm().validate_complaint_text("  viel   zu\nlang " * 500, dispatcher, make_tracker(), {})
    assert len(result["complaint_text"]) == 2000
    assert "  " not in result["complaint_text"]


async def test_submit_hands_off_as_a_complaint(dispatcher: CollectingDispatcher) -> None:
    events = await ActionSubmitComplaint().run(dispatcher, make_tracker(), domain())

    assert {"event": "slot", "name": "handoff_reason", "value": "complaint", "timestamp": None} in events
    assert {"event": "followup", "name": "action_handoff", "timestamp": None} in events
