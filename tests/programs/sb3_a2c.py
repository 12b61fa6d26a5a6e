"""An SB3 A2C agent on perceptual decision making with SideBias, PassReward and
PassAction, NeuroGym's tutorial stack; then the trained agent's choices."""

import json

import neurogym as ngym

try:
    from stable_baselines3 import A2C
    from stable_baselines3.common.vec_env import DummyVecEnv
except ImportError:  # the suite compares nothing without stable-baselines3
    print(json.dumps({}))
    raise SystemExit(0) from None


def make():
    env = ngym.make("PerceptualDecisionMaking-v0", dt=100)
    env = ngym.wrappers.SideBias(env, probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=50)
    env = ngym.wrappers.PassReward(env)
    return ngym.wrappers.PassAction(env)


env = DummyVecEnv([make])
model = A2C("MlpPolicy", env, n_steps=20, learning_rate=7e-4, seed=0, verbose=0)
model.learn(total_timesteps=30000)

test = make()
obs, _ = test.reset(seed=1)
trials = correct = 0
for _ in range(6000):
    action, _ = model.predict(obs, deterministic=True)
    obs, _, _, _, info = test.step(int(action))
    if info["new_trial"]:
        trials += 1
        correct += info["performance"] == 1
stats = {  # short training: the margins are seed noise (an agent that never answers: 0)
    "observation_width": [int(test.observation_space.shape[0]), 0],
    "performance": [correct / trials, 0.25],
    "steps_per_trial": [6000 / trials, 3.0],
}
print(json.dumps(stats))
