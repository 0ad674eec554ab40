"""/gezond/: whether this instance can serve, for a load balancer (no login, never cached)."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import health as checks


@never_cache
@require_safe
def health(request):
    """200 with {"database": "ok", "storage": "ok", "worker": "ok"}; 503 when any is not ok."""
    result = checks.check_all()
    healthy = all(value == checks.OK for value in result.values())
    return JsonResponse(result, status=200 if healthy else 503)
