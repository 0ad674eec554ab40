"""The application's limits on what comes in, in one place (README: "Limits").

Each is far above what a real raadsvoorstel needs — the Bloemendaal seed is about 20 KB of
text and its largest section 6,000 characters — and far below what would hold a worker
for long. Every limit is checked where the input arrives (a form, the import's parser, the
API, the view before the body is read), says in Dutch what is too large, and stores nothing.

This module imports nothing of the application: settings.py reads it too.
"""

from __future__ import annotations

from functools import wraps

MB = 1024 * 1024

# One uploaded file: an attachment, a plan document, a scan, a PDF to check in /controle/.
MAX_UPLOAD_BYTES = 20 * MB
# A request that carries an upload may be this much larger than the file: the form's other
# fields (a plan's template text, say) and multipart's boundaries. Larger requests are refused
# before their body is read; a file just over the limit gets the form's own message.
UPLOAD_REQUEST_SLACK_BYTES = 2 * MB
# One `raadsvoorstel/1` file for import_proposals, or one API request body.
MAX_IMPORT_BYTES = 5 * MB
# One section's body, and all text of a proposal together (section headings and bodies,
# decision points): about 50 and 250 printed pages.
MAX_SECTION_CHARS = 100_000
MAX_TEXT_CHARS = 500_000
# The raadsvoorstel and concept raadsbesluit PDFs: up to this much HTML (about 1.3 s of
# WeasyPrint) a request renders itself; a larger document is rendered by the worker.
INLINE_RENDER_CHARS = 100_000


def megabytes(size: int) -> str:
    """`20 MB`, `30,5 MB`: a size as the Dutch messages name it."""
    value = size / MB
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB".replace(".", ",")


def content_length(request) -> int:
    """The size the request says its body has; 0 when it does not say (or says nonsense)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def limit_upload(view):
    """Refuse a request whose body is larger than one upload may make it, with 413 and a Dutch
    page, before anything reads the body (a 1 GiB POST is never parsed or spooled to disk).

    The CSRF check reads the body to find its token, so it runs after this one: the view
    is wrapped in `csrf_protect` inside, and the wrapper itself is `csrf_exempt`.
    """
    from django.shortcuts import render
    from django.views.decorators.csrf import csrf_exempt, csrf_protect

    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if content_length(request) > MAX_UPLOAD_BYTES + UPLOAD_REQUEST_SLACK_BYTES:
            return render(
                request,
                "errors/too_large.html",
                {"limit": megabytes(MAX_UPLOAD_BYTES), "size": megabytes(content_length(request))},
                status=413,
            )
        return protected(request, *args, **kwargs)

    return wrapper
