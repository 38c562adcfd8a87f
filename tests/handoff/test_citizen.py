"""The citizen's side: sessions, replay, idempotent re-sends, deletion, feedback, compatibility."""

from __future__ import annotations

import uuid

import pytest

from tests.handoff.clients import ORIGIN, Citizen, client, dispose

pytestmark = pytest.mark.stack


async def test_session_ids_are_server_issued_and_unguessable(citizen_url: str) -> None:
    first = await Citizen(citizen_url).connect()
    ack = await first.start()
    assert ack["new"] is True
    assert len(ack["session_id"]) >= 32  # 192 random bits, URL-safe
    confirm = await first.events.wait_for("session_confirm")
    assert confirm["session_id"] == ack["session_id"]
    forged = await Citizen(citizen_url).connect()
    forged_ack = await forged.start("A" * 32)
    assert forged_ack["new"] is True and forged_ack["session_id"] != "A" * 32
    await first.close()
    await forged.close()


async def test_a_second_tab_of_the_session_gets_the_replies(citizen_url: str) -> None:
    tab1 = await Citizen(citizen_url).connect()
    await tab1.start()
    tab2 = await Citizen(citizen_url).connect()
    resumed = await tab2.start(tab1.session_id)
    assert resumed["session_id"] == tab1.session_id and resumed["new"] is False
    await tab1.say("Wie melde ich meinen Hund an?")
    answer = await tab2.reply(lambda d: d["metadata"].get("kb_article") == "hundesteuer")
    echo = await tab2.events.wait_for("message_echo")
    assert echo["text"] == "Wie melde ich meinen Hund an?"
    assert answer["metadata"]["sender"] == "bot"
    await tab1.close()
    await tab2.close()


async def test_reconnect_replays_what_was_missed(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    first = await citizen.say("Was kostet ein Reisepass?")
    await citizen.bot_answer()
    history = await citizen.call("history_request", {"after": 0})
    last_seen = history["messages"][-1]["id"]
    session_id = citizen.session_id
    await citizen.close()

    other_tab = await Citizen(citizen_url).connect()
    await other_tab.start(session_id)
    await other_tab.say("Und wie lange dauert das?")
    await other_tab.bot_answer()
    await other_tab.close()

    back = await Citizen(citizen_url).connect()
    await back.start(session_id)
    missed = await back.call("history_request", {"after": last_seen})
    assert missed["ok"]
    texts = [m["text"] for m in missed["messages"]]
    assert texts[0] == "Und wie lange dauert das?"
    assert all(m["id"] > last_seen for m in missed["messages"])
    assert len(missed["messages"]) >= 2  # the question and the bot's answer
    full = await back.call("history_request", {"after": 0})
    assert full["messages"][0]["id"] == first["id"]
    await back.close()


async def test_a_resent_message_is_stored_and_answered_once(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    client_id = uuid.uuid4().hex
    first = await citizen.say("Wo melde ich Sperrmüll an?", client_id=client_id)
    await citizen.bot_answer()
    again = await citizen.say("Wo melde ich Sperrmüll an?", client_id=client_id)
    assert again["ok"] and again["duplicate"] is True and again["id"] == first["id"]
    history = await citizen.call("history_request", {"after": 0})
    assert [m["text"] for m in history["messages"]].count("Wo melde ich Sperrmüll an?") == 1
    assert len([m for m in history["messages"] if m["sender"] == "bot"]) == 1
    await citizen.close()


async def test_messages_are_acknowledged_with_their_stored_id(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    other_tab = await Citizen(citizen_url).connect()
    await other_tab.start(citizen.session_id)
    ack = await citizen.say("Hallo", client_id="c-1")
    delivered = await other_tab.events.wait_for("delivered")
    assert delivered == {"id": ack["id"], "client_id": "c-1"}
    await other_tab.events.wait_for("message_echo", lambda d: d["id"] == ack["id"])
    await citizen.bot_answer()
    assert citizen.events.all("delivered") == [] and citizen.events.all("message_echo") == []  # it has the ack
    await other_tab.close()
    history = await citizen.call("history_request", {"after": 0})
    assert history["messages"][0] == {
        "id": ack["id"],
        "sender": "citizen",
        "text": "Hallo",
        "ts": history["messages"][0]["ts"],
        "client_id": "c-1",
    }
    await citizen.close()


async def test_delete_my_conversation(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Mein Name ist Erika Mustermann, ich wohne in der Hauptstraße 1")
    await citizen.bot_answer()
    session_id = citizen.session_id
    assert (await citizen.call("delete_conversation"))["ok"]
    await citizen.events.wait_for("session_deleted")
    await citizen.close()
    again = await Citizen(citizen_url).connect()
    ack = await again.start(session_id)
    assert ack["new"] is True and ack["session_id"] != session_id
    history = await again.call("history_request", {"after": 0})
    assert history["messages"] == []
    await again.close()


async def test_feedback_on_a_kb_answer(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Was kostet ein Reisepass?")
    answer = await citizen.bot_answer()
    message_id = answer["metadata"]["id"]
    assert (await citizen.call("feedback", {"message_id": message_id, "helpful": True}))["ok"]
    twice = await citizen.call("feedback", {"message_id": message_id, "helpful": False})
    assert twice["error"] == "duplicate"
    foreign = await citizen.call("feedback", {"message_id": 1, "helpful": True})
    assert foreign["ok"] is False
    await citizen.close()


async def test_plain_rasa_widget_protocol(citizen_url: str) -> None:
    """A Rasa webchat: session_request with a plain id, user_uttered without ack or client id."""
    sio = client()
    replies: list[dict[str, object]] = []
    confirmed: list[object] = []
    sio.on("bot_uttered", lambda data: replies.append(data))
    sio.on("session_confirm", lambda data: confirmed.append(data))
    await sio.connect(citizen_url, headers={"Origin": ORIGIN}, transports=["polling", "websocket"])
    await sio.emit("session_request", {"session_id": None})
    for _ in range(100):
        if confirmed:
            break
        await sio.sleep(0.05)
    session_id = confirmed[0]["session_id"]  # type: ignore[index]
    await sio.emit("user_uttered", {"message": "Wie melde ich meinen Hund an?", "session_id": session_id})
    for _ in range(200):
        if replies:
            break
        await sio.sleep(0.05)
    assert replies and replies[0]["metadata"]["kb_article"] == "hundesteuer"  # type: ignore[index]
    await dispose(sio)


async def test_button_payloads_reach_the_bot(citizen_url: str) -> None:
    citizen = await Citizen(citizen_url).connect()
    await citizen.start()
    await citizen.say("Schalte das Licht im Wohnzimmer an")
    fallback = await citizen.bot_answer()
    assert fallback["metadata"]["fallback"] is True
    assert fallback["quick_replies"][-1]["payload"] == "/request_human"
    await citizen.say("/kb_sperrmuell")
    assert (await citizen.bot_answer())["metadata"]["kb_article"] == "sperrmuell"
    await citizen.close()
