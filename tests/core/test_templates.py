"""Every model of the articles is a bundled template with its exact parameter count."""

import json
import subprocess
import sys

import pytest

from nnstudio.core import summarize, template, templates
from nnstudio.core.articles import article_of
from nnstudio.core.resources import resource
from nnstudio.core.templates import DEFAULT_TEMPLATE

PARAMETER_COUNTS = {
    "linear-function": 2,  # article 000, printed
    "emotion-cnn": 226_352,  # article 000, printed
    "logic-gate-perceptron": 3,  # articles 001 and 003: 2 weights and a bias
    "xor-network": 9,  # article 001's 2-2-1 network
    "mnist-cnn-two-conv": 600_810,  # article 001
    "mnist-cnn": 34_826,  # article 002, printed
    "mnist-mlp": 640_890,  # article 004, printed
    "digits-mlp": 39_760,  # article 003: 784-50-10
    "digits-mlp-wide": 397_510,  # 784-500-10
    "digits-mlp-deep": 49_960,  # 5x50
    "digits-mlp-deep-dropout": 49_960,
    "digits-mlp-deep-wide-dropout": 1_399_510,  # 5x500 with dropout
    "digits-cnn": 28_135,  # conv 25@5x5-pool-25@5x5-pool-25@4x4-flatten-dense50-dense10
}
#: Past the articles: graphs with skip connections and merges (Keras builds them to these).
GRAPH_COUNTS = {
    "residual-cnn": 34_922,
    "inception-cnn": 26_278,
    "densenet-cnn": 26_990,
}
#: Past the articles, other kinds of data: a table's rows (11 encoded inputs of the penguins).
DATA_COUNTS = {
    "tabular-mlp": 963,  # 11-32-16-3
}


@pytest.mark.parametrize(
    ("id_", "count"), {**PARAMETER_COUNTS, **GRAPH_COUNTS, **DATA_COUNTS}.items()
)
def test_template_parameter_count(id_, count):
    summary = summarize(template(id_).architecture)
    assert summary.ok
    assert not summary.warnings
    assert summary.total_params == count


def test_every_template_file_is_listed_and_described():
    files = {p.name[:-5] for p in resource("templates").iterdir() if p.name.endswith(".json")}
    listed = {t.id for t in templates()}
    assert listed == files - {"index"}
    assert listed == set(PARAMETER_COUNTS) | set(GRAPH_COUNTS) | set(DATA_COUNTS)
    assert len({t.name for t in templates()}) == len(listed)
    for t in templates():
        from_article = t.id in PARAMETER_COUNTS
        assert ("Article" in t.description) == from_article
        assert (article_of(t.id) is not None) == from_article
        # The graphs are the ones past them (and the models of other kinds of data).
        assert t.architecture.is_stack == (from_article or t.id in DATA_COUNTS)
        assert len(t.description) > 40


def test_default_template_is_the_article_002_cnn():
    assert template(DEFAULT_TEMPLATE).architecture.name == "MNIST CNN"


def test_unknown_template():
    with pytest.raises(KeyError, match="no template 'nope'"):
        template("nope")


def test_resources_are_found_from_any_working_directory(tmp_path):
    code = (
        "from nnstudio.core import templates; from nnstudio.core.resources import resource; "
        "import numpy, json; "
        "d = numpy.load(resource('datasets', 'mnist-10k.npz').open('rb')); "
        "print(json.dumps([len(templates()), d['x_train'].shape[0]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [
        len(PARAMETER_COUNTS) + len(GRAPH_COUNTS) + len(DATA_COUNTS),
        8000,
    ]


@pytest.mark.parametrize("t", templates(), ids=lambda t: t.id)
def test_every_template_comes_with_a_dataset_and_settings_it_trains_with(t):
    """A template opens ready to train: its article's dataset fits the model as it is."""
    from nnstudio.core.datasets import load_dataset
    from nnstudio.core.training import plan

    project = t.project()
    options = {"per_class": 20} if project.dataset.name == "toy-faces" else {}
    dataset = load_dataset(project.dataset.with_options(**options))
    task = plan(project.architecture, dataset, project.training)
    assert task.loss_label
    assert t.recipe.startswith("Article") == (t.id in PARAMETER_COUNTS)
    assert project.runs == ()
    assert project.weights is None


def test_template_recipes_follow_their_articles():
    assert template("linear-function").training.optimizer == "rmsprop"
    assert template("linear-function").dataset.options["expression"] == "2*x+1"
    assert template("mnist-mlp").training.batch_size == 500
    assert template("emotion-cnn").training.augmentation.shear == 0.2
    assert template("xor-network").dataset.name == "xor"
