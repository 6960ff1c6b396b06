"""``python -m workedout.derivations`` is the ``workedout`` command (as is ``python -m workedout``)."""
import sys

from .cli import main

sys.exit(main())
