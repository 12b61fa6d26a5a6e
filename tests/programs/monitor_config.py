"""A Monitor configured from a NeuroGym config.toml, training-style steps, then
evaluate_policy and the psychometric data NeuroGym programs read from data_eval."""

import json
import sys
import tempfile
from pathlib import Path

import neurogym as ngym
import numpy as np

folder = Path(tempfile.mkdtemp())
config_file = folder / "config.toml"
config_file.write_text(f"""
local_dir = "{folder / 'runs'}"

[env]
name = "PerceptualDecisionMaking"
dt = 100

[agent.training]
value = 3000

[monitor]
name = ""
interval = 50
verbose = false

[monitor.plot]
create = false
step = 30
title = "PDM"
""")
config = ngym.config.Config(config_file)
env = ngym.make("PerceptualDecisionMaking-v0", dt=config.env.dt)
env = ngym.wrappers.Monitor(env, config=config)
env.reset(seed=0)
rng = np.random.default_rng(0)
for _ in range(config.agent.training.value):
    env.step(int(rng.integers(3)))
trained = env.num_tr  # before evaluating: NeuroGym's evaluation adds its trials to num_tr
result = env.evaluate_policy(num_trials=400, verbose=False)
data = env.data_eval
coh = np.array([t["coh"] for t in data["trial"]])
ground_truth = np.array([t["ground_truth"] for t in data["trial"]])
stats = {
    "trials_recorded": [trained, 0.12 * trained],
    "eval_trials": [len(data["trial"]), 1],
    "eval_mean_performance": [result["mean_performance"], 0.08],
    "eval_coh_mean": [float(coh.mean()), 4.0],
    "eval_ground_truth_mean": [float(ground_truth.mean()), 0.1],
    "data_eval_action_is_array": [isinstance(data["action"], np.ndarray), 0],
}
print(json.dumps(stats), file=sys.stdout)
