"""The gateway between citizens' browsers, the Rasa bot and live agents (aiohttp + python-socketio)."""
