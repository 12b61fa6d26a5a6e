"""Tasks of the second half of the standard battery: ``(name, class, NeuroGym id)``."""

TASKS: list = []
