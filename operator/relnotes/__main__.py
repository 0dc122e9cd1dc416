"""``python -m relnotes``: the same as the ``relnotes`` command."""

import sys

from relnotes.cli.main import main

sys.exit(main())
