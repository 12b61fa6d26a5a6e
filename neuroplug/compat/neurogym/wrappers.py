"""``neurogym.wrappers``: each NeuroGym wrapper class is the one registered under our name.

``ALL_WRAPPERS`` maps NeuroGym's wrapper ids to where the class lives here; the ids are
also aliases for ``neuroplug.make_stack`` (``make_stack("dm", ["SideBias-v0"])``).
NeuroGym's ``RandomGroundTruth`` is not offered (it is not among the documented wrappers).
"""

from __future__ import annotations

from typing import Any

from neuroplug.compat.neurogym._lookup import resolve

#: NeuroGym class name -> our wrapper name.
CLASSES = {
    "Monitor": "monitor",
    "MultiEnvs": "multi_envs",
    "Noise": "noise",
    "PassAction": "pass_action",
    "PassReward": "pass_reward",
    "ReactionTime": "reaction_time",
    "ScheduleAttr": "schedule_attr",
    "ScheduleEnvs": "schedule_envs",
    "SideBias": "side_bias",
    "TrialHistoryV2": "trial_history_v2",
}
_NAMES = {cls: ("wrapper", name) for cls, name in CLASSES.items()}

#: NeuroGym's id -> ``"module:Class"`` of the class here (MultiEnvs has no id there).
ALL_WRAPPERS = {f"{cls}-v0": f"{__name__}:{cls}" for cls in CLASSES if cls != "MultiEnvs"}

__all__ = [*CLASSES, "ALL_WRAPPERS", "all_wrappers"]  # the classes are resolved when used


def __getattr__(name: str) -> Any:
    return resolve(__name__, name, _NAMES)


def all_wrappers() -> list[str]:
    """NeuroGym's wrapper ids, sorted."""
    return sorted(ALL_WRAPPERS)
