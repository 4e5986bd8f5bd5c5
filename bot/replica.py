"""This process's name among replicas: in job claims, heartbeats, log lines and /metrics."""

from __future__ import annotations

import os
import secrets
import socket

REPLICA_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
