"""Feature modules; each exposes FEATURE, discovered by the router."""
