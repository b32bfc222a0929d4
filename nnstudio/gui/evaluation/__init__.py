"""The Evaluation tab: test figures, the confusion matrix, mistakes and regression plots."""
