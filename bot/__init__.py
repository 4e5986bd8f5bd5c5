"""alignbot's platform-neutral core: events in, replies out, features in between."""
