"""Generated exercises with worked, checked solutions, a class's exam, and its grading.

The public names, each imported on first use. Where they live:
``workedout.derivations.exercise`` (one generator per topic, the exam, the
Moodle bank, the grading).
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.exercise': [
        'exercise', 'names', 'generator', 'Exercise', 'GenerationError', 'LEVELS',
    ],
})
