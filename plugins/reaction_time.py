"""ReactionTime: let the agent respond as soon as the stimulus appears.

``ReactionTime(env, urgency=0.0, end_on_stimulus=True)`` edits every trial once it is built
(``neuroplug_trial_built``): as in NeuroGym 2.3.1, the decision period is moved to start one
step after stimulus onset, and the ground truth of the decision period is copied over the
rest of the stimulus, so the task judges a response there exactly like one in the decision
period (a correct one ends the trial with the task's "correct" reward). The onset step
itself is not judged.

- ``end_on_stimulus=True``: the decision period is the stimulus period and the trial ends
  when the stimulus ends -- a response is due by then (periods after the stimulus are
  cut).
- ``end_on_stimulus=False``: the trial keeps its original timing; the decision period
  runs from just after the stimulus onset to its original end (early responses allowed,
  in the stimulus and in any delay before the decision).

Every step's reward gets ``urgency`` added (usually a small negative cost of time), and the
step that ends a trial carries ``info["tr_dur"]``, the trial's duration in steps.

The task must have ``stimulus`` and ``decision`` periods (checked when the wrapper is
built), and its ``_step`` must read period bounds at step time (``self.start_ind`` /
``self.end_ind``) rather than values cached in ``_new_trial``.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import IncompatibleWrapperError, TrialWrapper, hookimpl
from neuroplug.dispatch import Step
from neuroplug.fidelity import declare_difference
from neuroplug.layer import task_label, tasks_below
from neuroplug.trial_env import TrialEnv

REQUIRED_PERIODS = ("stimulus", "decision")


def trial_periods(task: TrialEnv) -> set[str]:
    """The periods a trial of ``task`` has: its timing keys, or else those of one trial.

    The probe trial is built on the bare task (no hooks) and the task's state, generator
    included, is restored afterwards, so building the wrapper changes nothing.
    """
    names = set(getattr(task, "timing", None) or ())
    if all(p in names for p in REQUIRED_PERIODS):
        return names
    saved = dict(task.__dict__)
    rng_state = task.np_random.bit_generator.state
    try:
        task._clear_trial()
        task._new_trial()
        names |= set(task.periods)
    except Exception:  # a task that cannot build a bare trial: rely on its timing
        pass
    finally:
        rng = task.np_random
        task.__dict__.clear()
        task.__dict__.update(saved)
        rng.bit_generator.state = rng_state
    return names


declare_difference(
    "reaction_time.tr_dur", component="wrapper reaction_time", kind="bug fix",
    neurogym="info['tr_dur'] on the step that ends a trial is always 0 (reset before it "
    "is reported)",
    neuroplug="info['tr_dur'] is the number of steps the trial lasted",
    reason="the documented trial duration is never reported by NeuroGym",
    test="tests/test_reaction_time.py::test_end_on_stimulus_true_ends_trial_when_stimulus_ends",
)

declare_difference(
    "reaction_time.delay_choice", component="wrapper reaction_time", kind="bug fix",
    neurogym="with end_on_stimulus=False the choice is copied over the stimulus only: a "
    "response in a delay between stimulus and decision falls in the open response window "
    "but is judged against 'fixate', so a correct choice there is a failure",
    neuroplug="the choice is the ground truth over the stimulus and the delay, so a correct "
    "response anywhere in the window is correct",
    reason="an agent answering correctly inside the window NeuroGym opens is scored wrong",
    test="tests/test_reaction_time.py::"
    "test_end_on_stimulus_false_keeps_timing_and_allows_early_and_delay_responses",
)


class ReactionTime(TrialWrapper):
    """Allow reaction-time responses: the agent may respond any time after fixation.

    Args:
        env: the env to wrap; every task under it needs ``stimulus`` and ``decision``
            periods.
        urgency: added to the reward at every step (default 0.0; a negative value is a
            cost of time).
        end_on_stimulus: if True (default) the trial ends when the stimulus ends; if False
            the original trial timing is kept while early responses are still allowed.
    """

    def __init__(self, env: gym.Env, urgency: float = 0.0, end_on_stimulus: bool = True
                 ) -> None:
        super().__init__(env, urgency=urgency, end_on_stimulus=end_on_stimulus)
        if isinstance(urgency, bool) or not isinstance(urgency, Real) \
                or not np.isfinite(urgency):
            raise TypeError(f"ReactionTime: urgency must be a finite number, got {urgency!r}")
        if not isinstance(end_on_stimulus, (bool, np.bool_)):
            raise TypeError(
                f"ReactionTime: end_on_stimulus must be True or False, got {end_on_stimulus!r}"
            )
        for task in tasks_below(env):
            missing = [p for p in REQUIRED_PERIODS if p not in trial_periods(task)]
            if missing:
                raise IncompatibleWrapperError(
                    f"ReactionTime on {task_label(task)}: needs 'stimulus' and 'decision' "
                    f"periods; the task's trials have no {' or '.join(map(repr, missing))} "
                    f"period"
                )
        self.urgency = float(urgency)
        self.end_on_stimulus = bool(end_on_stimulus)
        self._steps = 0  # steps of the current trial so far
        self.attach()

    @hookimpl
    def neuroplug_reset(self, env: TrialEnv, seed: int | None) -> None:
        self._steps = 0

    @hookimpl
    def neuroplug_trial_built(self, env: TrialEnv, trial: dict[str, Any]) -> None:
        """Open the response window at stimulus onset (and close the trial at its end)."""
        try:
            s0, s1 = env.start_ind["stimulus"], env.end_ind["stimulus"]
            d0, d1 = env.start_ind["decision"], env.end_ind["decision"]
        except KeyError as exc:
            raise IncompatibleWrapperError(
                f"ReactionTime on {task_label(env)}: this trial has no {exc.args[0]!r} period"
            ) from None
        if s1 <= s0 or d1 <= d0 or s0 > d0:
            return  # no stimulus to respond to, or no decision to copy: trial unchanged
        choice = env.gt[d0].copy()
        # As in NeuroGym 2.3.1: the response window opens one step after stimulus onset
        # (the onset step itself is not judged), and the choice is the ground truth over
        # the rest of the stimulus only.
        start = s0 + 1
        if self.end_on_stimulus:
            env.truncate_trial(s1)
            env.set_period("decision", min(start, s1), s1)
            env.gt[start:s1] = choice
        else:
            env.set_period("decision", min(start, d1), d1)
            env.gt[start:d0] = choice  # stimulus and delay: see reaction_time.delay_choice

    @hookimpl
    def neuroplug_observation(self, env: TrialEnv, step: Step) -> None:
        """Add the urgency to the reward; report the trial's duration when it ends."""
        if step.action is None:
            self._steps = 0
            return
        self._steps += 1
        step.reward += self.urgency
        if step.new_trial:
            step.info["tr_dur"] = self._steps
            self._steps = 0


@hookimpl
def neuroplug_add_wrappers(registry):
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("reaction_time", ReactionTime, aliases=["ReactionTime-v0"])
