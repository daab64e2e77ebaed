"""Batches: one result per prompt in order, failures kept apart, concurrency honoured, resumable."""

from hfimage.cli._batch import stem_for


def test_stem_names_are_stable_and_safe():
    assert stem_for("A Red Fox!") == stem_for("A Red Fox!")
    assert stem_for("A Red Fox!").startswith("a-red-fox-")
    assert stem_for("../../etc/passwd").startswith("etc-passwd-")
    assert stem_for("???").startswith("image-")
    assert stem_for("a fox") != stem_for("a fox ")
