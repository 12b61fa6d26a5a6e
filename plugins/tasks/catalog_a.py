"""Tasks of the first half of the standard battery: ``(name, class, NeuroGym id)``."""

from neuroplug_plugins.tasks.comparison import DelayComparison, IntervalDiscrimination
from neuroplug_plugins.tasks.context import ContextDecisionMaking
from neuroplug_plugins.tasks.go_nogo import DelayPairedAssociation, GoNogo
from neuroplug_plugins.tasks.match_sample import (
    DelayMatchCategory,
    DelayMatchSample,
    DelayMatchSampleDistractor1D,
    DualDelayMatchSample,
)
from neuroplug_plugins.tasks.perceptual import PerceptualDecisionMaking
from neuroplug_plugins.tasks.perceptual_variants import (
    PerceptualDecisionMakingDelayResponse,
    PulseDecisionMaking,
)
from neuroplug_plugins.tasks.timing_tasks import MotorTiming, OneTwoThreeGo, ReadySetGo

TASKS = [
    ("dm", PerceptualDecisionMaking, "PerceptualDecisionMaking-v0"),
    ("go_nogo", GoNogo, "GoNogo-v0"),
    ("delay_match_sample", DelayMatchSample, "DelayMatchSample-v0"),
    ("context_dm", ContextDecisionMaking, "ContextDecisionMaking-v0"),
    ("dm_delay_response", PerceptualDecisionMakingDelayResponse,
     "PerceptualDecisionMakingDelayResponse-v0"),
    ("pulse_dm", PulseDecisionMaking, "PulseDecisionMaking-v0"),
    ("delay_match_sample_distractor_1d", DelayMatchSampleDistractor1D,
     "DelayMatchSampleDistractor1D-v0"),
    ("delay_match_category", DelayMatchCategory, "DelayMatchCategory-v0"),
    ("dual_delay_match_sample", DualDelayMatchSample, "DualDelayMatchSample-v0"),
    ("delay_comparison", DelayComparison, "DelayComparison-v0"),
    ("delay_paired_association", DelayPairedAssociation, "DelayPairedAssociation-v0"),
    ("interval_discrimination", IntervalDiscrimination, "IntervalDiscrimination-v0"),
    ("ready_set_go", ReadySetGo, "ReadySetGo-v0"),
    ("motor_timing", MotorTiming, "MotorTiming-v0"),
    ("one_two_three_go", OneTwoThreeGo, "OneTwoThreeGo-v0"),
]
