"""Tasks of the first half of the standard battery: ``(name, class, NeuroGym id)``."""

from neuroplug_plugins.tasks.perceptual import PerceptualDecisionMaking

TASKS = [
    ("dm", PerceptualDecisionMaking, "PerceptualDecisionMaking-v0"),
]
