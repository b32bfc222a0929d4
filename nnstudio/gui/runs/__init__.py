"""The Runs tab: the project's trainings, overlaid and compared."""
