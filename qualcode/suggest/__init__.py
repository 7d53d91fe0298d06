"""Code suggestions: a codebook matcher, a textcat model trained on the project, evaluation."""
