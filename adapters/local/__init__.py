"""The local chat: alignbot in a terminal, with no credentials, for trying and demos."""
