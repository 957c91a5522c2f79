"""dhr-index: a static site generator for Domestic Homicide Reviews and their QA Panel letters."""

__version__ = "0.1.0"
