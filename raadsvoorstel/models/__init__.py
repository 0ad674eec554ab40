"""The domain, split by noun: proposals and their people in `proposals`, the council's
meetings and votes in `meetings`, regional plans and their consultation in `regional`,
the audit log in `audit`. Import from here:
`from raadsvoorstel.models import ...`."""

from .audit import *  # noqa: F403
from .meetings import *  # noqa: F403
from .notices import *  # noqa: F403
from .proposals import *  # noqa: F403
from .regional import *  # noqa: F403
from .renders import *  # noqa: F403
from .search import *  # noqa: F403
from .tokens import *  # noqa: F403
