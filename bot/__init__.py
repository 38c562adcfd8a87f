"""Rasa configuration of the assistant; ``bot.components`` holds its custom NLU component."""
