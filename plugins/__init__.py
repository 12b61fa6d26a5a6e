"""neuroplug's built-in plugins (installed as ``neuroplug_plugins``).

Each module listed in ``[project.entry-points.neuroplug]`` is a plugin like any third
party's; the core never imports one by name.
"""
