"""``python -m derivations`` is the ``workedout`` command."""
import sys

from derivations.cli import main

sys.exit(main())
