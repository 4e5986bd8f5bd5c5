"""The recording messenger and the fake clock, shared with the benches: they live in
bench/_fakes/recording.py so that bench/ never imports tests/."""

from bench._fakes.recording import FakeClock, Posted, RecordingMessenger

__all__ = ["FakeClock", "Posted", "RecordingMessenger"]
