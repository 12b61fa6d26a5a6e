"""NeuroGym's pre-2.0 Monitor keywords: accepted with a warning naming today's, or refused."""

from __future__ import annotations

import pytest

import neuroplug
from neuroplug_plugins.monitor import Monitor


@pytest.mark.parametrize(
    ("old", "value", "attribute", "expected"),
    [
        ("sv_per", 7, "interval", 7),
        ("sv_stp", "timestep", "trigger", "step"),
        ("sv_stp", "trial", "trigger", "trial"),
        ("sv_fig", True, "plot_create", True),
        ("num_stps_sv_fig", 50, "plot_steps", 50),
        ("fig_type", "svg", "ext", "svg"),
    ],
)
def test_old_keyword_maps_onto_the_new_one_with_a_warning(tmp_path, old, value, attribute,
                                                           expected):
    new = {"sv_per": "interval", "sv_stp": "trigger", "sv_fig": "plot_create",
           "num_stps_sv_fig": "plot_steps", "fig_type": "ext"}[old]
    with pytest.warns(DeprecationWarning, match=rf"Monitor\({old}=\.\.\.\).*use {new}="):
        env = Monitor(neuroplug.make("dm"), save_dir=tmp_path, verbose=False,
                      **{old: value})
    assert getattr(env, attribute) == expected
    env.close()


def test_folder_becomes_save_dir_and_files_go_there(tmp_path):
    with pytest.warns(DeprecationWarning) as caught:
        env = Monitor(neuroplug.make("dm"), folder=tmp_path / "old", sv_per=3, verbose=False)
    assert [str(w.message).split(" is ")[0] for w in caught] == [
        "Monitor(folder=...)", "Monitor(sv_per=...)"]
    assert all(w.filename == __file__ for w in caught)  # pointing at the caller
    env.reset(seed=0)
    trials = 0
    while trials < 3:
        trials += env.step(env.action_space.sample())[4]["new_trial"]
    env.close()
    assert env.save_dir == (tmp_path / "old").absolute()
    assert [p.suffix for p in (tmp_path / "old").iterdir()] == [".npz"]


def test_old_and_new_name_together_is_an_error(tmp_path):
    with pytest.raises(TypeError, match="'sv_per' is the old name of 'interval'; pass only"):
        Monitor(neuroplug.make("dm"), interval=5, sv_per=5, save_dir=tmp_path)


def test_unknown_keyword_names_the_closest_and_the_accepted_ones(tmp_path):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'intervall'; did you "
                                        r"mean 'interval'\?.*Accepted: .*save_dir"):
        Monitor(neuroplug.make("dm"), intervall=5, save_dir=tmp_path)


def test_bad_sv_stp_value_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'sv_stp' \\(now 'trigger'\\): expected 'trial' or "
                                         "'timestep', got 'steps'"):
        Monitor(neuroplug.make("dm"), sv_stp="steps", save_dir=tmp_path)
