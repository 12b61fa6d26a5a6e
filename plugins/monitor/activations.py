"""Recording a network layer's activations, split per trial of the monitored env.

:class:`ActivationProbe` puts a forward hook on a layer (``layer.register_forward_hook``, the
PyTorch API); each forward pass hands the layer's outputs to a *reader*, which names them as
*populations* (``"output"``, ``"hidden"``, ``"cell"``...). The Monitor tells the probe when
the env steps (the forward passes since the previous step belong to that step) and when a
trial ends, so recordings come out as one array per trial and population, shaped
``(steps, *tensor_shape)``.

Which layer types a probe can read is extensible: plugins implement the hook
``neuroplug_add_activation_readers(readers)`` and call
``readers.add(layer_type, reader)``. The built-in plugin adds PyTorch's ``nn.Linear``,
``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` and their cells, and the activation-function modules.
PyTorch is optional and is only imported when a probe is created.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["ActivationProbe", "ActivationReaders", "builtin_readers", "collect_readers"]

#: At most this many forward passes are held between two env steps; older ones are dropped,
#: so a network trained outside the env (many forward passes, no step) does not pile up.
MAX_PENDING = 64

#: ``reader(layer, inputs, output) -> {population: tensor or array}``
Reader = Callable[[Any, tuple, Any], Mapping[str, Any]]


class ActivationReaders:
    """Layer type -> reader, filled by ``neuroplug_add_activation_readers`` implementations.

    A reader is called as ``reader(layer, inputs, output)`` from the layer's forward hook
    and returns ``{population: tensor}``. Lookup walks the layer's class hierarchy, so a
    reader registered for a base class serves its subclasses unless a subclass has its own.
    """

    def __init__(self) -> None:
        self._readers: dict[type, tuple[Reader, str | None]] = {}
        self.current_plugin: str | None = None

    def add(self, layer_type: type, reader: Reader) -> None:
        """Register ``reader`` for layers of ``layer_type`` (a class)."""
        if not isinstance(layer_type, type):
            raise TypeError(f"layer_type must be a class, got {layer_type!r}")
        if not callable(reader):
            raise TypeError(f"reader for {layer_type.__name__} must be callable, got {reader!r}")
        if layer_type in self._readers:
            from neuroplug.errors import DuplicateNameError

            owner = self._readers[layer_type][1]
            raise DuplicateNameError(
                f"plugin {self.current_plugin!r} registers an activation reader for "
                f"{_qualname(layer_type)}, which plugin {owner!r} already registered; "
                f"register a subclass instead"
            )
        self._readers[layer_type] = (reader, self.current_plugin)

    def find(self, layer: Any) -> Reader | None:
        """The reader for ``layer`` (most specific registered class), or ``None``."""
        for cls in type(layer).__mro__:
            found = self._readers.get(cls)
            if found is not None:
                return found[0]
        return None

    def types(self) -> list[str]:
        """Qualified names of the supported layer types."""
        return sorted(_qualname(cls) for cls in self._readers)

    def __contains__(self, layer_type: type) -> bool:
        return layer_type in self._readers


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def collect_readers() -> ActivationReaders:
    """Ask every plugin for its activation readers (one plugin at a time).

    A plugin whose hook raises is skipped with a warning; the others still count.
    """
    from neuroplug import plugins

    readers = ActivationReaders()
    pm = plugins.get_plugin_manager()
    caller = getattr(pm.hook, "neuroplug_add_activation_readers", None)
    if caller is None:
        return readers
    for impl in reversed(caller.get_hookimpls()):  # registration order
        readers.current_plugin = impl.plugin_name
        before = dict(readers._readers)
        try:
            impl.function(readers=readers)
        except Exception as exc:
            readers._readers = before
            warnings.warn(
                f"neuroplug: plugin {impl.plugin_name!r} failed to add activation readers: "
                f"{type(exc).__name__}: {exc}",
                stacklevel=2,
            )
    readers.current_plugin = None
    return readers


# --- the built-in readers (PyTorch) -------------------------------------------------------


def _read_output(layer: Any, inputs: tuple, output: Any) -> dict[str, Any]:
    return {"output": output}


def _read_rnn(layer: Any, inputs: tuple, output: Any) -> dict[str, Any]:
    out, state = output
    if isinstance(state, tuple):  # LSTM: (h_n, c_n)
        return {"output": out, "hidden": state[0], "cell": state[1]}
    return {"output": out, "hidden": state}


def _read_cell(layer: Any, inputs: tuple, output: Any) -> dict[str, Any]:
    if isinstance(output, tuple):  # LSTMCell: (h, c)
        return {"output": output[0], "hidden": output[0], "cell": output[1]}
    return {"output": output, "hidden": output}


def builtin_readers(readers: ActivationReaders) -> None:
    """Register the PyTorch layers neuroplug reads out of the box (no-op without torch)."""
    try:
        import torch.nn as nn
        from torch.nn.modules import activation
    except ImportError:
        return
    readers.add(nn.Linear, _read_output)
    for cls in (nn.RNN, nn.GRU, nn.LSTM):
        readers.add(cls, _read_rnn)
    for cls in (nn.RNNCell, nn.GRUCell, nn.LSTMCell):
        readers.add(cls, _read_cell)
    for name in activation.__all__:
        cls = getattr(activation, name, None)
        if isinstance(cls, type) and issubclass(cls, nn.Module) \
                and cls is not nn.MultiheadAttention:
            readers.add(cls, _read_output)


# --- the probe ----------------------------------------------------------------------------


def _to_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor, without importing torch
        return value.detach().cpu().numpy().copy()
    return np.array(value, copy=True)


class ActivationProbe:
    """Records a layer's activations during forward passes, split per trial.

    Created by :meth:`Monitor.record_activations`. Attributes:

    ``name``
        the name the Monitor knows the probe by.
    ``layer``
        the recorded layer.
    ``steps``
        at most this many steps (forward passes) are kept per trial (``None``: all).
    ``trials``
        one dict per finished trial: ``{population: array (steps, *tensor_shape)}``.
    ``populations``
        the populations seen so far, in the order the reader returns them.
    """

    def __init__(self, layer: Any, reader: Reader, name: str, steps: int | None = None) -> None:
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)
                                  or steps <= 0):
            raise ValueError(f"steps must be a positive int or None, got {steps!r}")
        if not hasattr(layer, "register_forward_hook"):
            raise TypeError(
                f"record_activations needs a layer with register_forward_hook (a torch "
                f"nn.Module), got {type(layer).__name__}"
            )
        self.name, self.layer, self.steps, self.reader = name, layer, steps, reader
        self.trials: list[dict[str, np.ndarray]] = []
        self.populations: list[str] = []
        self.paused = False
        self._pending: list[dict[str, np.ndarray]] = []
        self._current: list[dict[str, np.ndarray]] = []
        self._handle = layer.register_forward_hook(self._hook)

    def __repr__(self) -> str:
        return (f"ActivationProbe(name={self.name!r}, layer={type(self.layer).__name__}, "
                f"trials={len(self.trials)}, populations={self.populations})")

    # --- recording (called by the layer and by the Monitor) ---------------------------

    def _hook(self, layer: Any, inputs: tuple, output: Any) -> None:
        if self.paused:
            return
        values = self.reader(layer, inputs, output)
        arrays = {}
        for population, value in values.items():
            arrays[population] = _to_numpy(value)
            if population not in self.populations:
                self.populations.append(population)
        pending = self._pending
        pending.append(arrays)
        if len(pending) > MAX_PENDING:  # forward passes with no env step (e.g. training)
            del pending[0]

    def commit(self, record: bool = True) -> None:
        """The env stepped: keep (``record``) or drop the forward passes since the last step."""
        pending = self._pending
        if not pending:
            return
        if record and not self.paused:
            room = len(pending) if self.steps is None else self.steps - len(self._current)
            if room > 0:
                self._current.extend(pending[:room])
        self._pending = []

    def end_trial(self) -> None:
        """The trial ended: close its recording."""
        current, self._current = self._current, []
        if not current:
            return
        trial = {}
        for population in self.populations:
            steps = [step[population] for step in current if population in step]
            try:
                trial[population] = np.stack(steps)
            except ValueError:  # shapes changed within the trial: keep the list
                trial[population] = steps
        self.trials.append(trial)

    def discard_trial(self) -> None:
        """Drop the unfinished trial (the env was reset mid-trial)."""
        self._current = []
        self._pending = []

    # --- control ---------------------------------------------------------------------

    def pause(self) -> None:
        """Stop recording until :meth:`resume` (forward passes are ignored)."""
        self.paused = True
        self._pending = []

    def resume(self) -> None:
        """Record again after :meth:`pause`."""
        self.paused = False

    def clear(self) -> None:
        """Forget every recorded trial."""
        self.trials = []
        self.discard_trial()

    def remove(self) -> None:
        """Take the forward hook off the layer; the recordings stay."""
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    def activations(self, population: str) -> list[np.ndarray]:
        """The recordings of ``population``: one array ``(steps, *shape)`` per trial."""
        if population not in self.populations:
            raise KeyError(
                f"population {population!r} was not recorded by probe {self.name!r}; "
                f"recorded: {', '.join(self.populations) or '(none yet)'}"
            )
        return [trial[population] for trial in self.trials if population in trial]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_handle"] = None  # a hook handle is tied to the live layer
        return state
