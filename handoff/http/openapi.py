"""The OpenAPI 3.1 description of the console's HTTP API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from handoff.accounts.identity import ROLES
from handoff.domain import cases, states


def _error() -> dict[str, Any]:
    return {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema_ref: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def openapi_document() -> dict[str, Any]:
    conversation_id = {
        "name": "conversation_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    }
    reference = {
        "name": "reference",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Z]{1,5}-[0-9]{4}-[0-9]{6}$"},
    }
    protected = {"401": _error(), "403": _error()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Musterstadt citizen-service chat: console API",
            "version": "1",
            "description": "HTTP API of the gateway for the agents' console. Authentication: POST /api/login sets "
            "an HttpOnly, SameSite=Strict session cookie. Real-time events use Socket.IO (docs/protocol.md).",
        },
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "citychat_session"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
                "User": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "username": {"type": "string"},
                        "display_name": {"type": "string"},
                        "role": {"enum": list(ROLES)},
                        "departments": {"type": "array", "items": {"type": "string"}},
                        "max_chats": {"type": "integer"},
                    },
                },
                "Message": {
                    "type": "object",
                    "required": ["id", "sender", "text", "ts"],
                    "properties": {
                        "id": {"type": "integer"},
                        "sender": {"enum": list(states.SENDERS)},
                        "text": {"type": "string"},
                        "ts": {"type": "string", "format": "date-time"},
                        "client_id": {"type": "string"},
                        "agent_name": {"type": "string"},
                        "metadata": {"type": "object"},
                    },
                },
                "Conversation": {
                    "type": "object",
                    "required": ["conversation_id", "state"],
                    "properties": {
                        "conversation_id": {"type": "string"},
                        "state": {"enum": list(states.STATES)},
                        "department": {"type": ["string", "null"]},
                        "department_name": {"type": ["string", "null"]},
                        "agent_id": {"type": ["integer", "null"]},
                        "agent_name": {"type": ["string", "null"]},
                        "reason": {"type": ["string", "null"]},
                        "language": {"type": "string"},
                        "page": {"type": ["string", "null"]},
                        "summary": {"type": ["string", "null"]},
                        "intents": {"type": "array", "items": {"type": "object"}},
                        "slots": {"type": "object"},
                        "form": {"type": "object"},
                        "queued_at": {"type": ["string", "null"]},
                        "waiting_seconds": {"type": ["integer", "null"]},
                        "position": {"type": "integer"},
                        "outcome": {"type": ["string", "null"]},
                        "transcript": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                    },
                },
                "UserResponse": {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}}},
                "ConversationList": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}}},
                },
                "ConversationResponse": {
                    "type": "object",
                    "properties": {"conversation": {"$ref": "#/components/schemas/Conversation"}},
                },
                "Case": {
                    "type": "object",
                    "required": ["reference", "kind", "status", "department", "due_at", "overdue"],
                    "properties": {
                        "reference": {"type": "string", "examples": ["MS-2026-000123"]},
                        "kind": {"enum": list(cases.KINDS)},
                        "status": {"enum": list(cases.STATUSES)},
                        "department": {"type": "string"},
                        "department_name": {"type": "string"},
                        "topic": {"type": "string"},
                        "assignee_id": {"type": ["integer", "null"]},
                        "assignee_name": {"type": ["string", "null"]},
                        "language": {"type": "string"},
                        "created_at": {"type": "string", "format": "date-time"},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "due_at": {"type": "string", "format": "date-time"},
                        "overdue": {"type": "boolean"},
                        "description": {"type": "string", "description": "details only"},
                        "contact_email": {"type": ["string", "null"], "description": "details only"},
                        "contact_phone": {"type": ["string", "null"], "description": "details only"},
                        "timeline": {
                            "type": "array",
                            "description": "details only: created, chat, e-mails, notes, status changes",
                            "items": {"type": "object"},
                        },
                    },
                },
                "CaseList": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}},
                },
                "CaseResponse": {"type": "object", "properties": {"case": {"$ref": "#/components/schemas/Case"}}},
                "AgentList": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"type": "object"}}},
                },
            },
        },
        "paths": {
            "/api/login": {
                "post": {
                    "summary": "Log in; sets the session cookie",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["username", "password"],
                                    "properties": {
                                        "username": {"type": "string", "maxLength": 64},
                                        "password": {"type": "string", "maxLength": 256},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json("#/components/schemas/UserResponse"),
                        "400": _error(),
                        "401": _error(),
                        "403": _error(),
                        "429": _error(),
                    },
                }
            },
            "/api/logout": {"post": {"summary": "Log out", "responses": {"200": {"description": "OK"}}}},
            "/api/me": {
                "get": {
                    "summary": "The logged-in account",
                    "security": [{"session": []}],
                    "responses": {"200": _json("#/components/schemas/UserResponse"), **protected},
                }
            },
            "/api/queue": {
                "get": {
                    "summary": "Waiting conversations of your departments (all for supervisors)",
                    "security": [{"session": []}],
                    "responses": {"200": _json("#/components/schemas/ConversationList"), **protected},
                }
            },
            "/api/conversations": {
                "get": {
                    "summary": "List and search conversations",
                    "security": [{"session": []}],
                    "parameters": [
                        {"name": "state", "in": "query", "schema": {"enum": list(states.STATES)}},
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string", "maxLength": 200},
                            "description": "text in the transcript, or a conversation id",
                        },
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                        {"name": "before", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    ],
                    "responses": {"200": _json("#/components/schemas/ConversationList"), "400": _error(), **protected},
                }
            },
            "/api/conversations/{conversation_id}": {
                "get": {
                    "summary": "One conversation with transcript and context",
                    "security": [{"session": []}],
                    "parameters": [conversation_id],
                    "responses": {
                        "200": _json("#/components/schemas/ConversationResponse"),
                        "404": _error(),
                        **protected,
                    },
                }
            },
            "/api/agents": {
                "get": {
                    "summary": "Accounts with presence (supervisors, admins)",
                    "security": [{"session": []}],
                    "responses": {"200": _json("#/components/schemas/AgentList"), **protected},
                }
            },
            "/api/kb/search": {
                "get": {
                    "summary": "Search the knowledge base (word forms and typos tolerated)",
                    "security": [{"session": []}],
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        },
                        {"name": "lang", "in": "query", "schema": {"enum": ["de", "en"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": "best articles first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "items": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "id": {"type": "string"},
                                                        "title": {"type": "string"},
                                                        "department": {"type": "string"},
                                                        "score": {"type": "number"},
                                                        "snippet": {"type": "string"},
                                                    },
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error(),
                        **protected,
                    },
                }
            },
            "/api/kb/articles/{article_id}": {
                "get": {
                    "summary": "One article: the answer to insert into a reply",
                    "security": [{"session": []}],
                    "parameters": [
                        {"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "lang", "in": "query", "schema": {"enum": ["de", "en"]}},
                    ],
                    "responses": {"200": {"description": "the article"}, "404": _error(), **protected},
                }
            },
            "/api/canned": {
                "get": {
                    "summary": "Canned responses for your departments",
                    "security": [{"session": []}],
                    "parameters": [{"name": "lang", "in": "query", "schema": {"enum": ["de", "en"]}}],
                    "responses": {"200": {"description": "responses"}, **protected},
                }
            },
            "/api/cases": {
                "get": {
                    "summary": "The case inbox of your departments (all for supervisors), most urgent first",
                    "security": [{"session": []}],
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"enum": ["open", "all", *cases.STATUSES]}},
                        {"name": "department", "in": "query", "schema": {"type": "string"}},
                        {"name": "overdue", "in": "query", "schema": {"enum": ["1"]}},
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string", "maxLength": 200},
                            "description": "text in the reference, topic or description",
                        },
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                    ],
                    "responses": {"200": _json("#/components/schemas/CaseList"), "400": _error(), **protected},
                }
            },
            "/api/cases/{reference}": {
                "get": {
                    "summary": "One case with contact data and its whole timeline",
                    "security": [{"session": []}],
                    "parameters": [reference],
                    "responses": {"200": _json("#/components/schemas/CaseResponse"), "404": _error(), **protected},
                }
            },
            "/api/mail/unassigned": {
                "get": {
                    "summary": "Citizens' mails that matched no case, of your departments (all for supervisors)",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {"description": "items: id, received_at, department, from, subject, body"},
                        **protected,
                    },
                }
            },
            **{
                f"/api/mail/unassigned/{{mail_id}}/{action}": {
                    "post": {
                        "summary": summary,
                        "security": [{"session": []}],
                        "parameters": [
                            {"name": "mail_id", "in": "path", "required": True, "schema": {"type": "integer"}}
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": {"type": "object", "properties": body}}},
                        },
                        "responses": {
                            "200": {"description": "OK"},
                            "400": _error(),
                            "404": _error(),
                            "409": _error(),
                            **protected,
                        },
                    }
                }
                for action, summary, body in (
                    (
                        "assign",
                        "Add the mail (text, pictures) to a case of your departments",
                        {"reference": {"type": "string"}},
                    ),
                    ("move", "Hand the mail to the department in charge", {"department": {"type": "string"}}),
                )
            },
            "/api/cases/{reference}/attachments/{attachment_id}": {
                "get": {
                    "summary": "A picture of the case (JPEG or PNG, cleaned of metadata), as a download",
                    "security": [{"session": []}],
                    "parameters": [
                        reference,
                        {"name": "attachment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": {"description": "the picture"}, "404": _error(), **protected},
                }
            },
            **{
                f"/api/cases/{{reference}}/{action}": {
                    "post": {
                        "summary": summary,
                        "security": [{"session": []}],
                        "parameters": [reference],
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": {"type": "object", "properties": body}}},
                        },
                        "responses": {
                            "200": _json("#/components/schemas/CaseResponse"),
                            "400": _error(),
                            "404": _error(),
                            "409": _error(),
                            **protected,
                        },
                    }
                }
                for action, summary, body in (
                    (
                        "status",
                        "Change the status; public_text is what the citizen sees when asking",
                        {"status": {"enum": list(cases.ALLOWED_FROM)}, "public_text": {"type": "string"}},
                    ),
                    ("notes", "Add an internal note to the timeline", {"text": {"type": "string", "maxLength": 4000}}),
                    (
                        "assign",
                        'Give the case to a colleague of its department, to yourself ("me") or to nobody (null)',
                        {"assignee_id": {"type": ["integer", "string", "null"]}},
                    ),
                    (
                        "transfer",
                        "Pass the case to another department (new there, due after its service level)",
                        {"department": {"type": "string"}},
                    ),
                    (
                        "call",
                        "Record a call back to the citizen: its outcome and a note (internal)",
                        {"outcome": {"enum": list(cases.CALL_OUTCOMES)}, "note": {"type": "string", "maxLength": 4000}},
                    ),
                    (
                        "reply",
                        "Answer the citizen by e-mail (queued in the outbox, kept on the timeline); "
                        "no_contact without an e-mail address",
                        {"text": {"type": "string", "maxLength": 4000}},
                    ),
                )
            },
            "/api/admin/cases/{reference}/export": {
                "get": {
                    "summary": "Art. 15: everything stored about a case, as a JSON download (admins)",
                    "security": [{"session": []}],
                    "parameters": [reference],
                    "responses": {
                        "200": {"description": "the case, its timeline and mails"},
                        "404": _error(),
                        **protected,
                    },
                }
            },
            "/api/admin/cases/{reference}": {
                "delete": {
                    "summary": "Art. 17: delete a case with its timeline, mails and chat (admins)",
                    "security": [{"session": []}],
                    "parameters": [reference],
                    "responses": {"200": {"description": "deleted"}, "404": _error(), **protected},
                }
            },
            "/api/admin/conversations/{conversation_id}/export": {
                "get": {
                    "summary": "Art. 15: a conversation with every message and note, as a JSON download (admins)",
                    "security": [{"session": []}],
                    "parameters": [conversation_id],
                    "responses": {"200": {"description": "the conversation"}, "404": _error(), **protected},
                }
            },
            "/api/admin/conversations/{conversation_id}": {
                "delete": {
                    "summary": "Art. 17: delete a conversation here and in Rasa's tracker (admins)",
                    "security": [{"session": []}],
                    "parameters": [conversation_id],
                    "responses": {"200": {"description": "deleted"}, "404": _error(), **protected},
                }
            },
            "/healthz": {"get": {"summary": "The process is alive", "responses": {"200": {"description": "OK"}}}},
            "/readyz": {
                "get": {
                    "summary": "Database, Redis (when configured) and Rasa are reachable",
                    "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}},
                }
            },
        },
    }
