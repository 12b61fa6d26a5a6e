"""A task written the NeuroGym way (RandomState draws, TruncExp timing, add_randn,
ob_now), run by an oracle and by a random agent."""

import json

import neurogym as ngym
import numpy as np


class ToneJudgement(ngym.core.TrialEnv):
    """Report on which side a noisy tone was louder."""

    metadata = {"paper_link": None, "paper_name": None, "tags": ["perceptual"]}

    def __init__(self, dt=50, sigma=0.5, timing=None):
        super().__init__(dt=dt)
        self.sigma = sigma
        self.timing = {"fixation": 200, "stimulus": ngym.utils.TruncExp(600, 300, 1500),
                       "decision": 150}
        if timing:
            self.timing.update(timing)
        self.rewards = {"abort": -0.1, "correct": 1.0, "fail": 0.0}
        self.abort = False
        name = {"fixation": 0, "stimulus": [1, 2]}
        self.observation_space = ngym.spaces.Box(-np.inf, np.inf, shape=(3,),
                                                 dtype=np.float32, name=name)
        self.action_space = ngym.spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _new_trial(self, **kwargs):
        trial = {"ground_truth": self.rng.randint(2), "loudness": self.rng.rand() * 0.5 + 0.5}
        trial.update(kwargs)
        self.add_period(["fixation", "stimulus", "decision"])
        self.add_ob(1, period=["fixation", "stimulus"], where="fixation")
        stim = np.zeros(2)
        stim[trial["ground_truth"]] = trial["loudness"]
        self.add_ob(stim, "stimulus", where="stimulus")
        self.add_randn(0, self.sigma, "stimulus", where="stimulus")
        self.set_groundtruth(trial["ground_truth"] + 1, period="decision")
        return trial

    def _step(self, action):
        new_trial, reward = False, 0.0
        gt = self.gt_now
        if self.in_period("fixation") or self.in_period("stimulus"):
            if action != 0:
                new_trial = self.abort
                reward += self.rewards["abort"]
        elif self.in_period("decision") and action != 0:
            new_trial = True
            if action == gt:
                reward += self.rewards["correct"]
                self.performance = 1
            else:
                reward += self.rewards["fail"]
        return self.ob_now, reward, False, False, {"new_trial": new_trial, "gt": gt}


def run(env, policy, steps):
    env.reset(seed=0)
    lengths, performance, rewards, n = [], [], 0.0, 0
    for _ in range(steps):
        _, reward, _, _, info = env.step(policy(env))
        rewards += reward
        n += 1
        if info["new_trial"]:
            performance.append(info["performance"])
            lengths.append(n)
            n = 0
    return np.array(lengths), np.array(performance), rewards / steps


env = ToneJudgement()
rng = np.random.default_rng(0)
oracle = run(env, lambda e: e.gt_now, 60000)
random = run(env, lambda e: int(rng.integers(3)), 60000)
stim = []
for _ in range(2000):
    trial = env.new_trial()
    stim.append((trial["ground_truth"], env.view_ob("stimulus")[:, 1:].mean(0)))
right = np.array([s for g, s in stim if g == 1])
stats = {
    "oracle_trial_length": [float(oracle[0].mean()), 4 * oracle[0].std() / len(oracle[0]) ** 0.5],
    "oracle_performance": [float(oracle[1].mean()), 0.0],
    "random_performance": [float(random[1].mean()), 4 * random[1].std() / len(random[1]) ** 0.5],
    "random_reward_per_step": [float(random[2]), 0.02],
    "right_stimulus_on_right": [float(right[:, 1].mean()), 0.03],
    "right_stimulus_on_left": [float(right[:, 0].mean()), 0.03],
}
print(json.dumps(stats))
