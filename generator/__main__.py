"""`python -m generator` runs the `dhr` command."""

import sys

from .cli import main

sys.exit(main())
