"""``neurogym.config``: NeuroGym's ``Config`` -- its sections, defaults and TOML file.

``Config("config.toml")`` reads NeuroGym's layout (``[agent.training]``, ``[env]``,
``[monitor]``, ``[monitor.plot]``, ``local_dir``) over NeuroGym 2.3.1's defaults, with
attribute access (``config.agent.training.value``); keyword arguments override the file
(``Config(monitor={"interval": 10})``). The Monitor takes it as ``config=`` (it is a
mapping in NeuroGym's layout, which the Monitor's configuration reads). As in NeuroGym,
keys of its own may be added anywhere; the Monitor's own keys are checked when a Monitor
reads them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Config", "Section"]


def _defaults() -> dict[str, Any]:
    return {
        "local_dir": Path.cwd() / "runs",
        "agent": {"training": {"unit": "trial", "value": 100},
                  "inference": {"unit": "step", "value": 10000}},
        "env": {"name": "", "dt": 10},
        "monitor": {"name": "", "trigger": "trial", "interval": 1000, "verbose": True,
                    "save_dir": None,
                    "plot": {"create": True, "step": 10, "title": "", "ext": "png"}},
    }


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = os.path.expandvars(value) if isinstance(value, str) else value
    return base


class Section(Mapping):
    """A table of the configuration: keys as attributes and as a mapping."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", {
            k: Section(v) if isinstance(v, Mapping) else v for k, v in data.items()})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe before __init__ has run
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"config has no key {name!r}; it has "
                                 f"{sorted(self._data)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._data[name] = Section(value) if isinstance(value, Mapping) else value

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._data)!r})"


class Config(Section):
    """NeuroGym's configuration: defaults, then ``config_file`` (if it exists, as in
    NeuroGym), then keyword arguments."""

    def __init__(self, config_file: str | os.PathLike | None = None, **kwargs: Any) -> None:
        data = _defaults()
        if config_file is not None and Path(config_file).exists():
            with open(config_file, "rb") as handle:
                _merge(data, tomllib.load(handle))
        _merge(data, kwargs)
        super().__init__(data)
        if not self.monitor.plot.title:
            self.monitor.plot.title = self.env.name

    @classmethod
    def model_validate(cls, data: Mapping[str, Any]) -> Config:
        """A config from a nested mapping (NeuroGym's pydantic spelling)."""
        return cls(**data)
