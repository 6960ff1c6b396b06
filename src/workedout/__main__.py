"""``python -m workedout`` is the ``workedout`` command."""
import sys

from workedout.derivations.cli import main

sys.exit(main())
