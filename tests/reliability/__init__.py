"""Reliability and security: auth, limits, logs, deadline, fuzzing, tampering, secrets, soak."""
