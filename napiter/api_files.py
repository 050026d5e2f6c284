"""API operations that answer with a file (a signed PDF, an export): content negotiation for them.

DRF picks a renderer from the request's `Accept` before the view runs and answers 406 when none of the
view's renderers matches, so an operation whose renderers are JSON only refuses the very client that asks
for its file (`Accept: application/pdf`). `file_action` declares the file's media type: the operation keeps
the API's renderers and gains one for that type, so that

- the file's own type, `*/*` and no Accept at all get the file (the view returns it as a Django response,
  which no renderer touches);
- an error is rendered by the renderer DRF negotiated: JSON (`{"detail": ...}`) for a client that accepts
  JSON, `*/*` or sends no Accept; its message as plain text for one that accepted only the file's type;
- an Accept that allows neither the file nor JSON is still 406.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.settings import api_settings

if TYPE_CHECKING:
    from rest_framework.decorators import ViewSetAction

PLAIN_TEXT = "text/plain; charset=utf-8"

F = TypeVar("F", bound=Callable[..., Any])


def error_text(data: Any) -> str:
    """An error body as the plain text a file client reads: the `detail`, then any field's messages."""
    if not isinstance(data, Mapping):
        return str(data)
    lines = [str(data.get("detail", ""))]
    errors = data.get("errors")
    if isinstance(errors, Mapping):
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                lines.append(f"{field}: {message}")
    return "\n".join(line for line in lines if line)


class FileRenderer(BaseRenderer):
    """A file's media type as a renderer, chosen when the client accepts that type but not JSON.

    The file itself is a Django response the view returns, which DRF does not render; this renderer only
    renders error answers (and passes bytes through unchanged), as plain text with its own Content-Type.
    """

    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = PLAIN_TEXT
        return error_text(data).encode()


@cache
def file_renderer(media_type: str) -> type[FileRenderer]:
    """The renderer class for one media type (one class per type, so every operation shares it)."""
    name = f"FileRenderer[{media_type}]"
    attributes = {"media_type": media_type, "format": media_type.split("/")[-1], "__qualname__": name}
    return type(name, (FileRenderer,), attributes)


def file_renderer_classes(media_type: str) -> list[type[BaseRenderer]]:
    """The API's renderers (JSON first: errors and 406 answers stay JSON by default) and the file's, unless
    one of them already produces that type (a JSON export is rendered by the JSON renderer)."""
    renderers = list(cast("list[type[BaseRenderer]]", api_settings.DEFAULT_RENDERER_CLASSES))
    if not any(r.media_type.split(";")[0] == media_type for r in renderers):
        renderers.append(file_renderer(media_type))
    return renderers


def file_action(media_type: str, **kwargs: Any) -> Callable[[F], ViewSetAction[F]]:
    """`@action(detail=True, methods=["get"])` for an operation that answers with a file of `media_type`.

    The handler returns the file (a `FileResponse`/`HttpResponse` with that Content-Type, or a `Response`
    for a JSON file) and raises API exceptions for its refusals, which are rendered as negotiated.
    """
    make_action = action(detail=True, methods=["get"], renderer_classes=file_renderer_classes(media_type), **kwargs)

    def decorate(handler: F) -> ViewSetAction[F]:
        decorated = make_action(handler)
        decorated.file_media_type = media_type  # type: ignore[attr-defined]
        return decorated

    return decorate
