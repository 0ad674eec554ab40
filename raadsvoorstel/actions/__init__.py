"""Every write the application makes, one function each, split by noun like the models.

Each action checks who may do it, runs in one transaction, and leaves its history:
transitions are logged by django-fsm-log (who, when, from, to, why), text changes by
django-simple-history and a Revision. Views and commands call these; they never
`save()` a proposal after a transition themselves.
"""

from .meetings import *  # noqa: F403
from .proposals import *  # noqa: F403
