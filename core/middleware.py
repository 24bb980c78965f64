"""Request filters every page shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from core.errors import NotFound


class NotFoundMiddleware:
    """Two kinds of request that must end in the ordinary 404 page, not a server error:

    - a NUL byte anywhere in the path or the query string (``/rounds/x%00y/``): no object is
      named like that, and PostgreSQL refuses such strings in a query;
    - a selector's ``NotFound`` (an object that does not exist or is hidden from this user).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404("No such page")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        return None
