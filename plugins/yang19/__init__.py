"""The yang19 plugin: the 20 tasks of Yang et al. (2019), Nature Neuroscience, "Task
representations in neural networks trained to perform many cognitive tasks".

Registered as ``yang19.<task>`` (``yang19.go``, ..., ``yang19.dnmc``) in the collection
``"yang19"``, with NeuroGym's ids (``yang19.go-v0``, ...) as aliases. All 20 tasks have the
same observation space (fixation + two modality rings, ``1 + 2 * dim_ring``) and action space
(fixate + ``dim_ring`` directions), so they stack under ``schedule_envs``::

    tasks = neuroplug.list_tasks(collection="yang19")
    env = neuroplug.make_stack(tasks, [("schedule_envs", {"schedule": "random",
                                                          "env_input": True})])

Defaults are NeuroGym's (``dt=100``; fixation judged in the fixation period only, or until
the decision with ``fixation_through_stimulus=True``). The deliberate differences (the Go
family's input noise, the modality drawn per trial, ties redrawn, a withheld no-go response
rewarded) are declared with :func:`neuroplug.fidelity.declare_difference` in the modules
that make them and listed in ``docs/neurogym-differences.md``.
"""

from __future__ import annotations

from neuroplug import hookimpl
from neuroplug_plugins.yang19 import dm, go, match
from neuroplug_plugins.yang19._base import PAPER_LINK, PAPER_NAME

COLLECTION = "yang19"

_GO = ("go family",)
_DM = ("dm family", "perceptual", "two-alternative")
_MATCH = ("matching family", "working memory", "delayed response", "go-no-go")

# (task, class, family tags + task tags), in NeuroGym's order: list_tasks(collection="yang19")
# gives them in this order, the index of each task in a multi-task stack's one-hot input.
TASKS = [
    ("go", go.Go, (*_GO, "pro-response")),
    ("rtgo", go.RTGo, (*_GO, "pro-response", "reaction time")),
    ("dlygo", go.DlyGo, (*_GO, "pro-response", "delayed response", "working memory")),
    ("anti", go.Anti, (*_GO, "anti-response")),
    ("rtanti", go.RTAnti, (*_GO, "anti-response", "reaction time")),
    ("dlyanti", go.DlyAnti, (*_GO, "anti-response", "delayed response", "working memory")),
    ("dm1", dm.DM1, (*_DM,)),
    ("dm2", dm.DM2, (*_DM,)),
    ("ctxdm1", dm.CtxDM1, (*_DM, "context dependent", "multisensory")),
    ("ctxdm2", dm.CtxDM2, (*_DM, "context dependent", "multisensory")),
    ("multidm", dm.MultiDM, (*_DM, "multisensory")),
    ("dlydm1", dm.DlyDM1, (*_DM, "working memory")),
    ("dlydm2", dm.DlyDM2, (*_DM, "working memory")),
    ("ctxdlydm1", dm.CtxDlyDM1, (*_DM, "working memory", "context dependent", "multisensory")),
    ("ctxdlydm2", dm.CtxDlyDM2, (*_DM, "working memory", "context dependent", "multisensory")),
    ("multidlydm", dm.MultiDlyDM, (*_DM, "working memory", "multisensory")),
    ("dms", match.DMS, (*_MATCH, "match-to-sample")),
    ("dnms", match.DNMS, (*_MATCH, "match-to-sample")),
    ("dmc", match.DMC, (*_MATCH, "categorization")),
    ("dnmc", match.DNMC, (*_MATCH, "categorization")),
]


@hookimpl
def neuroplug_add_tasks(registry):
    for task, cls, tags in TASKS:
        registry.add_task(
            f"{COLLECTION}.{task}",
            cls,
            aliases=[f"{COLLECTION}.{task}-v0"],
            tags=(COLLECTION, "supervised", *tags),
            paper_name=PAPER_NAME,
            paper_link=PAPER_LINK,
            collection=COLLECTION,
        )
