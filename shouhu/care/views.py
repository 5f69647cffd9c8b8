"""The care page pieces other apps use; the pages themselves live in the subpackages. The quality
pages pick a node and a return address the way the care month does, and the home page shows the
task kinds."""
from .campaigns.views import node_from_request  # noqa: F401
from .dues.selectors import TASK_KINDS  # noqa: F401
from .pages import next_url as _next_url  # noqa: F401
