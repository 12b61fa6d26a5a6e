"""A NeuroGym 2.3.1 program, run on neuroplug by changing its import line only.

    python examples/neurogym_program.py

It builds NeuroGym's tutorial stack, draws supervised batches, runs a Monitor's
evaluation and fits a psychometric curve to it -- all through NeuroGym's names.
"""

from __future__ import annotations

import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import neuroplug.compat.neurogym as ngym  # was: import neurogym as ngym


def main() -> dict[str, float]:
    env = ngym.make("PerceptualDecisionMaking-v0", dt=100)
    env = ngym.wrappers.SideBias(env, probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=50)
    env = ngym.wrappers.Monitor(env, save_dir=tempfile.mkdtemp(), verbose=False)
    print(f"task timing {dict(env.timing)}, dt {env.dt} ms")

    dataset = ngym.Dataset("yang19.dm1-v0", batch_size=16, seq_len=100)
    inputs, target = dataset()
    print(f"a batch: inputs {inputs.shape}, targets {target.shape}")

    env.new_trial()
    print(f"one trial: ob {env.ob.shape}, gt {env.gt.shape}, ground truth "
          f"{env.trial['ground_truth']}")

    result = env.evaluate_policy(num_trials=300, verbose=False)  # a random policy
    data = env.data_eval
    signed = np.array([t["coh"] * (1 if t["ground_truth"] == 1 else -1)
                       for t in data["trial"]])
    fig, ax = plt.subplots()
    ngym.utils.plot_psychometric(signed, data["action"] == 2, ax, title="random policy")
    plt.close(fig)
    print(f"random policy: mean performance {result['mean_performance']:.2f} over "
          f"{len(data['trial'])} trials")
    env.close()
    return {"mean_performance": result["mean_performance"], "trials": len(data["trial"])}


if __name__ == "__main__":
    main()
