"""The local web playground: the bot's replies as HTML in a browser, no account needed."""
