"""Inputs for a trained model: a drawn digit prepared as MNIST's were, and image files (a face
photo, say) converted to what the model takes."""
