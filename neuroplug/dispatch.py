"""Runtime hooks resolved once per stack and then called directly.

``pm.hook.x(...)`` costs about a microsecond per call, more than a whole step of a task is
allowed to take. A :class:`HookTable` belongs to one task. When a layer joins the stack
(or the process's plugins change) it asks pluggy for the ordered implementations of each
runtime hook -- process-wide plugins and the stack's layers together, so ``tryfirst``,
``trylast`` and ``wrapper=True`` keep their meaning -- and keeps plain callables. The trial
loop then iterates over tuples of callables.

The table holds no plugin manager: it pickles and deep-copies with its task, keeping the
layers; the resolved callables are rebuilt on first use after unpickling.
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
#: Hooks called on every step: a layer above a foreign wrapper runs its own in its step.
PER_STEP_HOOKS = ("neuroplug_observation", "neuroplug_log_step")


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


def _chain(impls: Sequence[pluggy.HookImpl], spec: tuple[str, ...],
           wrap: Callable[[pluggy.HookImpl, Callable], Callable] | None = None
           ) -> tuple[Callable, ...]:
    """Callables in pluggy's call order; wrappers folded into one callable around the rest.

    ``wrap(impl, callable)`` may replace a plain implementation's callable (see
    :class:`_Deferred`)."""
    ordered = list(reversed(impls))  # get_hookimpls() lists them in reverse call order
    wrappers = [_callable_for(i, spec) for i in ordered if i.wrapper]
    plain_impls = [i for i in ordered if not i.wrapper]
    plain = [_callable_for(i, spec) for i in plain_impls]
    if wrap is not None:
        plain = [wrap(i, f) for i, f in zip(plain_impls, plain, strict=True)]
    if wrappers:
        return (_WrappedCall(wrappers, plain),)
    return tuple(plain)


def _scratch_manager() -> pluggy.PluginManager:
    """A plugin manager with neuroplug's hook specifications and no plugins, for ordering
    implementations with pluggy's own rules."""
    scratch = pluggy.PluginManager(hookspecs.PROJECT)
    scratch.add_hookspecs(hookspecs)
    return scratch


class _Deferred:
    """A trial-logging implementation of a layer above a foreign wrapper: the record is
    handed to the layer, which logs it once the foreign wrapper has returned the step (so
    the record holds the action and rewards that layer saw)."""

    __slots__ = ("function", "layer")

    def __init__(self, layer: Any, function: Callable) -> None:
        self.layer, self.function = layer, function

    def __call__(self, env: Any, record: dict[str, Any]) -> None:
        self.layer._pending_logs.append((self.function, env, record))


def layer_step_hooks(layer: object) -> tuple[Callable, ...]:
    """``layer``'s own observation and step-logging implementations, in call order, for a
    layer that runs them in its own ``step`` (one with a foreign wrapper below it)."""
    scratch = _scratch_manager()
    scratch.register(layer, name=f"layer-{type(layer).__name__}-{id(layer)}")
    found: list[Callable] = []
    for hook_name in PER_STEP_HOOKS:
        found.extend(_chain(getattr(scratch.hook, hook_name).get_hookimpls(),
                            RUNTIME_HOOKS[hook_name]))
    return tuple(found)


class _ResolvedOnUse:
    """A resolved hook tuple of :class:`HookTable`, resolved the first time it is read.

    ``resolve()`` stores the tuples on the instance, which hides this descriptor, so the
    trial loop pays nothing; a table fresh from ``__init__`` or unpickling has none yet and
    resolves once every object it refers to is whole."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, table: HookTable | None, owner: type | None = None) -> Any:
        if table is None:
            return self
        table.resolve()
        return table.__dict__[self.name]


class HookTable:
    """The runtime hook implementations of one chain of layers on a task (innermost first)
    plus the process's plugins. Each layer holds the table of its chain; the task runs the
    one of the chain being stepped (see :mod:`neuroplug.layer`).

    A layer is added *in the loop* (its observation and step-logging hooks run inside the
    task's step, and the task builds observations as wide as its space) unless a foreign
    gymnasium wrapper lies between it and the task: then only its trial hooks are here, and
    the layer runs its per-step hooks in its own ``step`` on what that wrapper returned.
    """

    reset = _ResolvedOnUse()
    trial_params = _ResolvedOnUse()
    trial_built = _ResolvedOnUse()
    observation = _ResolvedOnUse()
    log_step = _ResolvedOnUse()
    log_trial = _ResolvedOnUse()
    loss_mask = _ResolvedOnUse()
    per_step = _ResolvedOnUse()  # any observation or step-logging implementation?

    def __init__(self) -> None:
        self.layers: list[object] = []  # innermost first
        self.spaces: list[Any] = []  # each layer's observation space; None: not in the loop
        self._resolved_version = -1

    # --- building ---------------------------------------------------------------

    @property
    def observation_space(self) -> Any:
        """The space of the outermost layer in the loop (``None``: the task's own)."""
        return next((s for s in reversed(self.spaces) if s is not None), None)

    def extended(self, layer: object, observation_space: Any) -> HookTable:
        """A new table: this one's layers, then ``layer`` outside them (its observation
        space, or ``None`` when it runs its per-step hooks itself). Resolved on first use."""
        table = HookTable()
        table.layers = [*self.layers, layer]
        table.spaces = [*self.spaces, observation_space]
        return table

    def refresh(self) -> None:
        """Re-resolve if the process's plugins changed since the last resolution."""
        if self._resolved_version != plugins.version:
            self.resolve()

    def resolve(self) -> None:
        """Ask pluggy for the ordered implementations of every runtime hook."""
        pm = plugins.get_plugin_manager()
        scratch = _scratch_manager()
        for name, plugin in pm.list_name_plugin():
            if plugin is not None:
                scratch.register(plugin, name=name)
        # Registered outermost first, so that pluggy's last-registered-first order calls
        # the innermost layer first among plain implementations.
        for index, layer in reversed(list(enumerate(self.layers))):
            scratch.register(layer, name=f"layer-{index}-{type(layer).__name__}-{id(layer)}")
        layer_ids = {id(layer) for layer in self.layers}
        outside = {id(layer) for layer, space in zip(self.layers, self.spaces, strict=True)
                   if space is None}

        def defer(impl: pluggy.HookImpl, function: Callable) -> Callable:
            return _Deferred(impl.plugin, function) if id(impl.plugin) in outside else function

        for hook_name, spec in RUNTIME_HOOKS.items():
            impls = getattr(scratch.hook, hook_name).get_hookimpls()
            if hook_name in LAYER_ONLY_HOOKS:
                impls = [i for i in impls if id(i.plugin) in layer_ids]
            if hook_name in PER_STEP_HOOKS:  # run by those layers themselves
                impls = [i for i in impls if id(i.plugin) not in outside]
            wrap = defer if hook_name == "neuroplug_log_trial" and outside else None
            setattr(self, hook_name.removeprefix("neuroplug_"), _chain(impls, spec, wrap))
        self.per_step = bool(self.observation or self.log_step)
        self._resolved_version = plugins.version

    # --- pickling ---------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {"layers": self.layers, "spaces": self.spaces}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Nothing is resolved here: while unpickling, the layers may be half-restored (a
        # layer's state can still be missing the attributes that hide or add a hook). The
        # tables resolve on first use, when every object is whole.
        self.__init__()
        self.layers = state["layers"]
        self.spaces = state["spaces"]
