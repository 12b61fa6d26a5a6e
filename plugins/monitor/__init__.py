"""The ``monitor`` plugin: log, save, plot and evaluate behaviour on a task; probe activations.

>>> import neuroplug
>>> env = neuroplug.make_stack("dm", [("monitor", {"interval": 100, "save_dir": "runs/dm"})])

Modules, one job each: :mod:`.config` (validated configuration), :mod:`.wrapper` (the
``Monitor`` layer), :mod:`.storage` (numbered ``.npz`` files, :func:`load_run`),
:mod:`.plotting` (figures), :mod:`.evaluation` (policy evaluation),
:mod:`.activations` (activation probes and their extensible readers).

Neither matplotlib nor torch is imported when the plugin loads.
"""

from __future__ import annotations

from neuroplug import hookimpl
from neuroplug_plugins.monitor.activations import (
    ActivationProbe,
    ActivationReaders,
    builtin_readers,
)
from neuroplug_plugins.monitor.config import (
    Config,
    ConfigError,
    LogConfig,
    MonitorConfig,
    PlotConfig,
)
from neuroplug_plugins.monitor.reading import (
    IncompleteRunWarning,
    MonitorFileError,
    RunTable,
    list_runs,
    load_run,
)
from neuroplug_plugins.monitor.storage import SaveDirError
from neuroplug_plugins.monitor.wrapper import Monitor, default_save_dir

__all__ = [
    "ActivationProbe",
    "ActivationReaders",
    "Config",
    "ConfigError",
    "IncompleteRunWarning",
    "LogConfig",
    "Monitor",
    "MonitorConfig",
    "MonitorFileError",
    "PlotConfig",
    "RunTable",
    "SaveDirError",
    "default_save_dir",
    "list_runs",
    "load_run",
]


@hookimpl
def neuroplug_add_wrappers(registry):
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("monitor", Monitor, aliases=["Monitor-v0"])


@hookimpl
def neuroplug_add_activation_readers(readers):
    builtin_readers(readers)
