"""Test doubles for what lies outside this machine, and helpers shared by the suites."""
