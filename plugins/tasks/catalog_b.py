"""Tasks of the second half of the standard battery: ``(name, class, NeuroGym id)``."""

from neuroplug_plugins.tasks.annubes import AnnubesEnv
from neuroplug_plugins.tasks.bandit import Bandit, DawTwoStep
from neuroplug_plugins.tasks.detection import Detection, ToneDetection
from neuroplug_plugins.tasks.economic import EconomicDecisionMaking
from neuroplug_plugins.tasks.integration import MultiSensoryIntegration, PostDecisionWager
from neuroplug_plugins.tasks.motion import SpatialSuppressMotion
from neuroplug_plugins.tasks.null import Null
from neuroplug_plugins.tasks.reaching import (
    AntiReach,
    Reaching1D,
    Reaching1DWithSelfDistraction,
    ReachingDelayResponse,
)
from neuroplug_plugins.tasks.reasoning import HierarchicalReasoning, ProbabilisticReasoning

TASKS = [
    ("reaching_1d", Reaching1D, "Reaching1D-v0"),
    ("reaching_1d_self_distraction", Reaching1DWithSelfDistraction,
     "Reaching1DWithSelfDistraction-v0"),
    ("reaching_delay_response", ReachingDelayResponse, "ReachingDelayResponse-v0"),
    ("anti_reach", AntiReach, "AntiReach-v0"),
    ("multi_sensory_integration", MultiSensoryIntegration, "MultiSensoryIntegration-v0"),
    ("post_decision_wager", PostDecisionWager, "PostDecisionWager-v0"),
    ("probabilistic_reasoning", ProbabilisticReasoning, "ProbabilisticReasoning-v0"),
    ("hierarchical_reasoning", HierarchicalReasoning, "HierarchicalReasoning-v0"),
    ("economic_dm", EconomicDecisionMaking, "EconomicDecisionMaking-v0"),
    ("bandit", Bandit, "Bandit-v0"),
    ("daw_two_step", DawTwoStep, "DawTwoStep-v0"),
    ("detection", Detection, "Detection-v0"),
    ("tone_detection", ToneDetection, "ToneDetection-v0"),
    ("spatial_suppress_motion", SpatialSuppressMotion, "SpatialSuppressMotion-v0"),
    ("annubes", AnnubesEnv, "AnnubesEnv-v0"),
    ("null", Null, "Null-v0"),
]
