"""neuroplug: a plugin-based registry of trial-based tasks and the wrappers that reshape them.

>>> import neuroplug
>>> env = neuroplug.make_stack("dm", ["side_bias", "monitor"])

Importing the package loads no plugin; the ``neuroplug`` entry points load on the first use
of the registry.
"""

from __future__ import annotations

from neuroplug.dataset import Batch, Dataset
from neuroplug.errors import (
    DuplicateNameError,
    IncompatibleWrapperError,
    NeuroplugError,
    StackError,
    TimingError,
    UnknownNameError,
)
from neuroplug.hookspecs import hookimpl
from neuroplug.layer import Layer, TrialWrapper
from neuroplug.plotting import plot_env
from neuroplug.plugins import register as register_plugin
from neuroplug.plugins import unregister as unregister_plugin
from neuroplug.schedules import Schedule, resolve_schedule
from neuroplug.stack import (
    get_schedule,
    get_task,
    get_wrapper,
    list_schedules,
    list_tasks,
    list_wrappers,
    make,
    make_stack,
)
from neuroplug.trial_env import TrialEnv

__version__ = "0.1.0"

__all__ = [
    "Batch",
    "Dataset",
    "DuplicateNameError",
    "IncompatibleWrapperError",
    "Layer",
    "NeuroplugError",
    "Schedule",
    "StackError",
    "TimingError",
    "TrialEnv",
    "TrialWrapper",
    "UnknownNameError",
    "get_schedule",
    "get_task",
    "get_wrapper",
    "hookimpl",
    "list_schedules",
    "list_tasks",
    "list_wrappers",
    "make",
    "make_stack",
    "plot_env",
    "register_plugin",
    "resolve_schedule",
    "unregister_plugin",
]
