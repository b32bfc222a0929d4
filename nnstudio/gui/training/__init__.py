"""The Training tab: settings, the article's recipe, and a training run in the background
with its live curves."""
