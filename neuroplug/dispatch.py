"""Runtime hooks resolved once per stack and then called directly.

``pm.hook.x(...)`` costs about a microsecond per call, more than a whole step of a task is
allowed to take. A :class:`HookTable` belongs to one task. When a layer joins the stack
(or the process's plugins change) it asks pluggy for the ordered implementations of each
runtime hook -- process-wide plugins and the stack's layers together, so ``tryfirst``,
``trylast`` and ``wrapper=True`` keep their meaning -- and keeps plain callables. The trial
loop then iterates over tuples of callables.

The table holds no plugin manager: it pickles and deep-copies with its task, keeping the
layers; the resolved callables are rebuilt after unpickling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pluggy

from neuroplug import hookspecs, plugins

#: Runtime hooks the table resolves, with the argument names the core passes positionally.
RUNTIME_HOOKS: dict[str, tuple[str, ...]] = {
    "neuroplug_reset": ("env", "seed"),
    "neuroplug_trial_params": ("env", "params"),
    "neuroplug_trial_built": ("env", "trial"),
    "neuroplug_observation": ("env", "step"),
    "neuroplug_log_step": ("env", "step"),
    "neuroplug_log_trial": ("env", "record"),
    "neuroplug_loss_mask": ("env", "trial", "mask"),
}
#: Hooks that only stack layers may implement (see :mod:`neuroplug.hookspecs`).
LAYER_ONLY_HOOKS = frozenset({"neuroplug_observation"})


class Step:
    """The outgoing step, handed to the observation and step-logging hooks.

    One instance per task, reused every step; hooks must not keep a reference.
    """

    __slots__ = ("action", "info", "new_trial", "obs", "reward", "terminated", "truncated")

    def __init__(self) -> None:
        self.obs: Any = None
        self.action: Any = None
        self.reward: float = 0.0
        self.terminated = False
        self.truncated = False
        self.info: dict[str, Any] = {}
        self.new_trial = False

    def __repr__(self) -> str:
        return (
            f"Step(action={self.action!r}, reward={self.reward!r}, "
            f"new_trial={self.new_trial!r}, obs={self.obs!r})"
        )


class _KeywordCall:
    """Calls an implementation that takes a subset of the hook's arguments, by keyword."""

    __slots__ = ("function", "names", "spec")

    def __init__(self, function: Callable, names: Sequence[str], spec: Sequence[str]) -> None:
        self.function, self.names, self.spec = function, tuple(names), tuple(spec)

    def __call__(self, *args: Any) -> Any:
        kwargs = dict(zip(self.spec, args, strict=True))
        return self.function(**{name: kwargs[name] for name in self.names})


class _WrappedCall:
    """Runs ``wrapper=True`` implementations around the plain ones, as pluggy does."""

    __slots__ = ("plain", "wrappers")

    def __init__(self, wrappers: Sequence[Callable], plain: Sequence[Callable]) -> None:
        self.wrappers, self.plain = tuple(wrappers), tuple(plain)

    def __call__(self, *args: Any) -> None:
        generators = []
        for wrapper in self.wrappers:
            generator = wrapper(*args)
            next(generator)
            generators.append(generator)
        for function in self.plain:
            function(*args)
        for generator in reversed(generators):
            try:
                generator.send(None)
            except StopIteration:
                continue
            raise RuntimeError(f"hook wrapper {generator!r} yielded more than once")


class _Traced:
    """Writes each call of a resolved implementation to stderr (``NEUROPLUG_TRACE_HOOKS``).

    Only built when tracing is on, so the untraced trial loop pays nothing for it.
    """

    __slots__ = ("function", "label")

    def __init__(self, function: Callable, label: str) -> None:
        self.function, self.label = function, label

    def __call__(self, *args: Any) -> Any:
        plugins.trace(self.label)
        return self.function(*args)


def _callable_for(impl: pluggy.HookImpl, spec: tuple[str, ...]) -> Callable:
    if impl.hookwrapper:
        raise pluggy.PluginValidationError(
            impl.plugin,
            f"{impl.plugin_name}: old-style hookwrapper=True is not supported on runtime hook "
            f"{impl.function.__name__}; use @hookimpl(wrapper=True)",
        )
    names = tuple(impl.argnames)
    function = impl.function if names == spec else _KeywordCall(impl.function, names, spec)
    if plugins.tracing():
        return _Traced(function, f"{impl.function.__name__} -> {impl.plugin_name}")
    return function


def _chain(impls: Sequence[pluggy.HookImpl], spec: tuple[str, ...]) -> tuple[Callable, ...]:
    """Callables in pluggy's call order; wrappers folded into one callable around the rest."""
    ordered = list(reversed(impls))  # get_hookimpls() lists them in reverse call order
    wrappers = [_callable_for(i, spec) for i in ordered if i.wrapper]
    plain = [_callable_for(i, spec) for i in ordered if not i.wrapper]
    if wrappers:
        return (_WrappedCall(wrappers, plain),)
    return tuple(plain)


class HookTable:
    """The runtime hook implementations of one task: its stack's layers plus global plugins."""

    def __init__(self) -> None:
        self.layers: list[object] = []  # innermost first
        self._resolved_version = -1
        self.reset: tuple[Callable, ...] = ()
        self.trial_params: tuple[Callable, ...] = ()
        self.trial_built: tuple[Callable, ...] = ()
        self.observation: tuple[Callable, ...] = ()
        self.log_step: tuple[Callable, ...] = ()
        self.log_trial: tuple[Callable, ...] = ()
        self.observation_space: Any = None  # the outermost layer's space, or None
        self.per_step = False  # any observation or step-logging implementation?

    # --- building ---------------------------------------------------------------

    def add_layer(self, layer: object, observation_space: Any) -> None:
        """Add a layer (outside every layer already added) and re-resolve."""
        if any(existing is layer for existing in self.layers):
            return
        self.layers.append(layer)
        self.observation_space = observation_space
        self.resolve()

    def refresh(self) -> None:
        """Re-resolve if the process's plugins changed since the last resolution."""
        if self._resolved_version != plugins.version:
            self.resolve()

    def resolve(self) -> None:
        """Ask pluggy for the ordered implementations of every runtime hook."""
        pm = plugins.get_plugin_manager()
        scratch = pluggy.PluginManager(hookspecs.PROJECT)
        scratch.add_hookspecs(hookspecs)
        for name, plugin in pm.list_name_plugin():
            if plugin is not None:
                scratch.register(plugin, name=name)
        # Registered outermost first, so that pluggy's last-registered-first order calls
        # the innermost layer first among plain implementations.
        for index, layer in reversed(list(enumerate(self.layers))):
            scratch.register(layer, name=f"layer-{index}-{type(layer).__name__}-{id(layer)}")
        layer_ids = {id(layer) for layer in self.layers}
        for hook_name, spec in RUNTIME_HOOKS.items():
            impls = getattr(scratch.hook, hook_name).get_hookimpls()
            if hook_name in LAYER_ONLY_HOOKS:
                impls = [i for i in impls if id(i.plugin) in layer_ids]
            setattr(self, hook_name.removeprefix("neuroplug_"), _chain(impls, spec))
        self.per_step = bool(self.observation or self.log_step)
        self._resolved_version = plugins.version

    # --- pickling ---------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {"layers": self.layers, "observation_space": self.observation_space}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()
        self.layers = state["layers"]
        self.observation_space = state["observation_space"]
        # Layers may still be half-restored here; resolving only binds their methods.
        self.resolve()
