"""Evaluation the NeuroGym way: new_trial() on a wrapped env, then its ob and gt; and an
oracle stepping the stack with the task's ground truth."""

import json

import neurogym as ngym
import numpy as np

env = ngym.make("PerceptualDecisionMaking-v0", dt=100)
env = ngym.wrappers.SideBias(env, probs=[[0.9, 0.1], [0.1, 0.9]], block_dur=40)
env = ngym.wrappers.PassReward(env)
env.reset(seed=0)
lengths, choices, widths = [], [], set()
for _ in range(2000):
    env.new_trial()
    ob, gt = env.ob, env.gt
    lengths.append(len(ob))
    widths.add(ob.shape[1])
    choices.append(int(gt[-1]))
choices = np.array(choices)
# block-wise bias: consecutive trials agree far more often than chance
agree = float(np.mean(choices[1:] == choices[:-1]))

rewards, trials = 0.0, 0
env.reset(seed=1)
for _ in range(5000):
    _, reward, _, _, info = env.step(env.unwrapped.gt_now)
    rewards += reward
    trials += info["new_trial"]
stats = {
    "dt": [env.dt, 0],
    "timing_stimulus": [env.timing["stimulus"], 0],
    "trial_length": [float(np.mean(lengths)), 0.0],
    "buffer_width": [sorted(widths), 0],
    # blocks of 40 trials at 0.9 / 0.1: some 50 blocks, so this share has an sd near 0.06
    "choice_2_fraction": [float(np.mean(choices == 2)), 0.15],
    "consecutive_agreement": [agree, 0.03],
    "oracle_reward_per_trial": [rewards / trials, 0.02],
    "oracle_steps_per_trial": [5000 / trials, 0.5],
}
print(json.dumps(stats))
