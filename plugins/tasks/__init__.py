"""The built-in task plugin: registers the standard tasks by name, NeuroGym ids as aliases.

Each ``catalog_*`` module lists ``(our name, task class, NeuroGym id)`` triples; this module
only registers them.
"""

from __future__ import annotations

from neuroplug import hookimpl
from neuroplug_plugins.tasks import catalog_a, catalog_b


@hookimpl
def neuroplug_add_tasks(registry):
    for name, cls, neurogym_id in [*catalog_a.TASKS, *catalog_b.TASKS]:
        registry.add_task(name, cls, aliases=[neurogym_id])
