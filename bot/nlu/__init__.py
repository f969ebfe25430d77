"""Custom NLU components of the pipeline (see ``config.yml``)."""
