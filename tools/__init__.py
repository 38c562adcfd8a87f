"""Developer tools of the app environment: start the stack, talk to the bot."""
