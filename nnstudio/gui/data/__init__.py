"""The Data tab: choosing and loading a dataset, its samples and class balance."""
