"""The city's knowledge base and profile: loading, validation, office hours, search.

Pure Python plus PyYAML and holidays, so that both environments use it: the bot environment
(Python 3.10, Rasa and the action server) and the app environment (gateway, tools).
The content lives in ``data/``; this package only reads it.
"""

from kb.loader import KnowledgeBase, KnowledgeBaseError, Problem, check, load
from kb.model import Article, CityProfile, Department, Fee

__all__ = [
    "Article",
    "CityProfile",
    "Department",
    "Fee",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Problem",
    "check",
    "load",
]
