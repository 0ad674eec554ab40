"""The forms, split by noun like the models, actions and views."""

from .conflict import *  # noqa: F403
from .documents import *  # noqa: F403
from .meetings import *  # noqa: F403
from .notices import *  # noqa: F403
from .proposals import *  # noqa: F403
from .regional import *  # noqa: F403
from .search import *  # noqa: F403
from .tokens import *  # noqa: F403
