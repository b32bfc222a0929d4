"""Each template's article: its recipe and figure, how nnstudio's start differs and why, and how
a result compares with the article's figure."""

import pytest

from nnstudio.core import templates
from nnstudio.core.articles import article_of, article_recipe, compare, compare_run, note
from nnstudio.core.datasets import DatasetSource
from nnstudio.core.templates import template
from nnstudio.core.training.runs import RunRecord


def project(template_id, **changes):
    return template(template_id).project().replace(**changes)


#: The templates of the articles' models (the others go past the articles: test_templates).
FROM_ARTICLES = [t for t in templates() if t.recipe.startswith("Article")]


@pytest.mark.parametrize("t", FROM_ARTICLES, ids=lambda t: t.id)
def test_every_article_template_has_its_article_with_a_measured_figure_on_its_own_data(t):
    article = article_of(t.id)
    assert article is not None
    assert article.number in t.recipe  # "Article 002: ..." names the same article
    assert article.sample is not None  # measured by benchmarks/template_figures.py
    assert article.figure is not None or article.claim
    text = note(t.project())
    assert text is not None
    assert not text.edited


def test_article_002_says_its_recipe_what_differs_and_how_to_reach_its_figure():
    """Issue: the MNIST CNN template opens with batch 64 / 15 epochs, not the article's 128 /
    10, and the reason lived only in index.json."""
    text = " ".join(note(project("mnist-cnn")).paragraphs)
    assert "batches of 128, 10 epochs" in text
    assert "98.95% test accuracy" in text
    assert "batches of 64 instead of 128; 15 epochs instead of 10" in text
    assert "the bundled MNIST sample (8,000 training images) instead of all 60,000" in text
    assert "Expect about 97.5%" in text
    assert "To reach 98.95% test accuracy: train on all 60,000 MNIST training images" in text
    assert "40 epochs: 97.45%, measured" in text  # more epochs do not help on the sample


def test_the_articles_recipe_is_its_data_and_settings():
    p = project("mnist-cnn")
    dataset, training = article_recipe(p)
    assert dataset == DatasetSource("mnist")
    assert (training.batch_size, training.epochs, training.validation_split) == (128, 10, 0.1)
    assert training.seed == p.training.seed
    as_article = p.replace(dataset=dataset, training=training)
    assert note(as_article).as_article
    assert compare(as_article, {"accuracy": 0.9892}).reached  # within half a point
    assert article_recipe(project("emotion-cnn")) is None  # FER2013 cannot be fetched


def test_a_result_short_of_the_figure_says_why_and_how_to_get_there():
    """Issue: 96.6% where article 002 shows 98.95%, and the window did not say why."""
    result = compare(project("mnist-cnn"), {"accuracy": 0.966, "loss": 0.11})
    assert result.reached is False
    assert result.text.startswith("96.60%, where Article 002 reached 98.95%")
    assert "the bundled MNIST sample" in result.text
    assert "Use the Article's Recipe" in result.text
    mlp = compare(project("mnist-mlp"), {"accuracy": 0.8485})
    assert mlp.reached is False
    assert "150 epochs: 91.40%, measured" in mlp.text
    assert compare(project("mnist-mlp"), {"accuracy": 0.96}).reached


def test_toy_faces_do_not_compare_with_fer2013_and_article_003_prints_no_figures():
    faces = compare(project("emotion-cnn"), {"accuracy": 0.9})
    assert faces.reached is None
    assert "do not compare" in faces.text
    assert "choose your copy in the Data tab" in faces.text
    mine = project("emotion-cnn", dataset=DatasetSource("folder", "/data/fer2013"))
    assert compare(mine, {"accuracy": 0.45}).reached
    digits = compare(project("digits-mlp-wide"), {"accuracy": 0.93})
    assert digits.reached is None
    assert "performs significantly better than before" in digits.text
    assert "Runs tab" in digits.text


def test_a_perceptron_on_xor_is_told_why_it_cannot_learn_it():
    result = compare(
        project("logic-gate-perceptron", dataset=DatasetSource("xor")), {"accuracy": 0.5}
    )
    assert result.reached is None  # another gate: nothing to compare, but why it fails
    assert "no line splits XOR's" in result.text
    assert "XOR network template" in result.text


def test_an_edited_model_is_no_longer_the_articles():
    p = project("mnist-cnn")
    edited = p.replace(architecture=p.architecture.replace(layers=p.architecture.layers[:-1]))
    assert note(edited).edited
    assert "edited since" in note(edited).paragraphs[-1]
    assert compare(edited, {"accuracy": 0.5}).reached is None
    assert note(p.replace(template=None)) is None


def test_a_run_is_compared_with_the_settings_it_trained_with():
    p = project("mnist-cnn")
    _, article_settings = article_recipe(p)
    run = RunRecord(
        id=1, started="2026-12-01T10:00:00+00:00", architecture=p.architecture.to_dict(),
        dataset={"name": "mnist"}, settings=article_settings.to_dict(), status="completed",
        message="completed 10 epochs", epochs=10, duration=60.0, samples_per_second=900.0,
        seed=0, params=34826, test={"accuracy": 0.9899, "loss": 0.03},
    )  # fmt: skip
    assert compare_run(p, run).reached  # on full MNIST, although the project is on the sample


def test_what_to_expect_is_said_only_as_the_template_opens():
    """Review: "Expect about 84.9%" stayed after the epochs changed, and on other data."""
    assert any("Expect about 84.9%" in p for p in note(project("mnist-mlp")).paragraphs)
    mlp = project("mnist-mlp")
    changed = note(mlp.replace(training=mlp.training.replace(epochs=2)))
    assert not any("Expect" in p for p in changed.paragraphs)
    assert changed.why == ""
    fashion = note(project("mnist-cnn", dataset=DatasetSource("fashion-mnist-sample")))
    assert not any("Expect" in p for p in fashion.paragraphs)
    assert "the bundled Fashion-MNIST sample" in fashion.paragraphs[1]
    digits = note(project("digits-mlp-wide"))
    assert any("Expect about 93.0% as the template opens" in p for p in digits.paragraphs)


def test_ones_own_fer2013_file_is_the_articles_data():
    """Review: a FER2013 CSV was still called a difference, and "choose your copy" was still
    advised while it was loaded."""
    mine = project("emotion-cnn", dataset=DatasetSource("fer-csv", "/data/fer2013.csv"))
    text = " ".join(note(mine).paragraphs)
    assert "Here: the article's data and settings." in text
    assert "choose your copy" not in text
    result = compare(mine, {"accuracy": 0.40})
    assert result.reached is False
    assert "Same data and settings as the article" in result.headline
    assert "choose your copy" not in result.text


def test_a_reached_figure_reads_without_nested_parentheses():
    result = compare(project("mnist-mlp"), {"accuracy": 0.96})
    assert result.text == (
        "✓ 96.00%: Article 004's figure reached: accuracy around 95–98% (read off its "
        "accuracy plot)."
    )
    assert not compare(project("mnist-cnn"), {"accuracy": 0.985}).reached  # a half point off
