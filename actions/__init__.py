"""The Rasa SDK action server of the assistant: one module per topic.

Run with ``python -m rasa_sdk --actions actions``.
"""
