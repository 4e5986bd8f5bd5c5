"""Local stand-ins shared by the benches and the tests (which reach them through tests/support):
a fake Slack Web API on 127.0.0.1, a messenger that records what the core posts, a clock moved
by hand. They live here so that bench/ never imports tests/."""
