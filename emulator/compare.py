"""Expected responses: how an answer is written into a case file, and how a new answer is compared with it.

A comparison looks at the status, the headers that matter (only those the expectation names) and the
body, after the normalizers the case lists have replaced what legitimately varies between runs:

* ``uuids``: any UUID (plotly's random chart div ids, request ids) becomes ``<uuid>``;
* ``dates``: HTTP dates and ISO timestamps become ``<date>``;
* ``catalogue``: a part of the answer that lists every model or analysis (``/health``'s versions, the
  ``/models`` list, a "known models: ..." message) becomes ``<models>`` or ``<analyses>``, but only if it
  is exactly what the registries (``core.prediction.registry.MODELS``, ``core.analysis.registry.ANALYSES``)
  yield. A case that opts in therefore never lists the bundled models by hand, so adding a model or an
  analysis changes no recorded answer, and a catalogue that misses or misdescribes one still fails.

JSON bodies compare as parsed values, PNGs by their decoded pixels (never their bytes, which change
with the encoder's version and metadata), large bodies by their sha256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

import orjson

from emulator.messages import HttpResponse

HEADERS_THAT_MATTER = (
    "content-type",
    "cache-control",
    "etag",
    "allow",
    "retry-after",
    "www-authenticate",
    "location",
    "set-cookie",
    "content-disposition",
    "content-encoding",
    "access-control-allow-origin",
    "x-amz-function-error",
)
"""Headers written into expectations by ``--update``; ids, dates and lengths are left out on purpose."""

LARGE_BODY = 64 * 1024
"""Text or binary bodies (other than PNG and JSON) above this size are stored as their sha256."""

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
)

_KNOWN = re.compile(r"known (models|analyses): ([\w-]+(?:, [\w-]+)*)")
"""The registry's own message for an unknown name: ``unknown model 'x'; known models: a, b``."""


def _registered() -> dict[str, dict[str, Any]]:
    """What the registries yield now, by plural (imported here: only a case that opts in pays for it).

    The models are every servable one, declared or imported into the models directory, as the routes list them.
    """
    from core.analysis.registry import ANALYSES
    from core.prediction.registry import MODELS, model_specs

    return {MODELS.plural: model_specs(), ANALYSES.plural: ANALYSES.all()}


def _known_names(text: str) -> str:
    """``known models: <models>`` where the message lists exactly the registered names, in registry order."""
    registered = _registered()

    def placeholder(match: re.Match[str]) -> str:
        plural, listed = match.groups()
        return f"known {plural}: <{plural}>" if listed.split(", ") == list(registered[plural]) else match.group(0)

    return _KNOWN.sub(placeholder, text)


def _describes(entry: Any, spec: Any) -> bool:
    """A ``/models`` entry names the model, its declared version and its features in the declared order."""
    return (
        isinstance(entry, dict)
        and entry.get("name") == spec.name
        and entry.get("version") == spec.version
        and [f.get("name") for f in entry.get("features", []) if isinstance(f, dict)] == list(spec.feature_names)
    )


def _lists_every_model(value: Any) -> bool:
    """``/health``'s ``{name: version}`` or ``/models``' list of descriptions, for every registered model."""
    specs = _registered()["models"]
    if isinstance(value, dict):
        return list(value) == list(specs) and all(value[n] == s.version for n, s in specs.items())
    if isinstance(value, list):
        return len(value) == len(specs) and all(_describes(e, s) for e, s in zip(value, specs.values(), strict=True))
    return False


def _catalogue_json(value: Any) -> Any:
    """Each ``"models"`` member that lists every registered model, checked, becomes ``"<models>"``."""
    if isinstance(value, list):
        return [_catalogue_json(v) for v in value]
    if isinstance(value, dict):
        return {
            k: "<models>" if k == "models" and _lists_every_model(v) else _catalogue_json(v) for k, v in value.items()
        }
    return value


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "uuids": lambda text: _UUID.sub("<uuid>", text),
    "dates": lambda text: _DATE.sub("<date>", text),
    "catalogue": _known_names,
}
"""Text normalizers; ``catalogue`` also replaces whole JSON members (see ``normalize_json``)."""


def normalize_text(text: str, names: list[str]) -> str:
    for name in names:
        text = NORMALIZERS[name](text)
    return text


def normalize_json(value: Any, names: list[str]) -> Any:
    """Normalizers applied to every string inside a JSON value (and, for ``catalogue``, to its members)."""
    if "catalogue" in names:
        value = _catalogue_json(value)
    return _normalize_strings(value, names)


def _normalize_strings(value: Any, names: list[str]) -> Any:
    if isinstance(value, str):
        return normalize_text(value, names)
    if isinstance(value, list):
        return [_normalize_strings(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _normalize_strings(v, names) for k, v in value.items()}
    return value


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or content_type in ("application/javascript", "application/xml")


def encode_body(response: HttpResponse) -> dict[str, Any]:
    """The body as written in an expectation, by content type."""
    body, kind = response.body, response.content_type
    if not body:
        return {}
    if kind == "image/png":
        return {"png": base64.b64encode(body).decode("ascii")}
    if _is_json(kind) or (not kind and body[:1] in (b"{", b"[")):
        try:
            return {"json": orjson.loads(body)}
        except orjson.JSONDecodeError:
            pass
    if len(body) > LARGE_BODY:
        return {"sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}
    if _is_text(kind):
        try:
            return {"text": body.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"base64": base64.b64encode(body).decode("ascii")}


def default_normalizers(response: HttpResponse) -> list[str]:
    """HTML pages hold plotly's random div ids; an answer that lists the catalogue gets ``catalogue``."""
    names = ["uuids"] if response.content_type == "text/html" else []
    return [*names, "catalogue"] if _lists_the_catalogue(response) else names


def _lists_the_catalogue(response: HttpResponse) -> bool:
    """Whether the JSON body or the logs list every model or analysis: a new case must not list them by hand."""
    for value in (encode_body(response).get("json"), response.extra.get("logs")):
        if value is not None and normalize_json(value, ["catalogue"]) != value:
            return True
    return False


def expected_headers(response: HttpResponse) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for name in HEADERS_THAT_MATTER:
        values = [v for k, v in response.headers if k.lower() == name]
        if values:
            out[name] = values[0] if len(values) == 1 else values
    return out


def png_difference(expected: bytes, actual: bytes) -> str | None:
    """Why two PNGs differ in their decoded pixels (size, or share of differing pixels), or None if they don't."""
    import numpy as np
    from PIL import Image

    try:
        want, got = (Image.open(io.BytesIO(data)).convert("RGBA") for data in (expected, actual))
    except OSError as exc:
        return f"not a PNG: {exc}"
    if want.size != got.size:
        return f"PNG size {got.size[0]}x{got.size[1]}, expected {want.size[0]}x{want.size[1]}"
    a = np.asarray(want, dtype=np.int16)
    b = np.asarray(got, dtype=np.int16)
    differing = int(np.count_nonzero(np.abs(a - b).max(axis=2)))
    if differing:
        return f"{differing} of {want.size[0] * want.size[1]} pixels differ"
    return None


def _body_mismatch(expected: dict[str, Any], response: HttpResponse, names: list[str]) -> str | None:
    if "png" in expected:
        return png_difference(base64.b64decode(expected["png"]), response.body)
    actual = encode_body(response)
    if "json" in expected:
        want, got = normalize_json(expected["json"], names), normalize_json(actual.get("json"), names)
    elif "text" in expected:
        want = normalize_text(expected["text"], names)
        got = normalize_text(response.body.decode("utf-8", errors="replace"), names)
    else:
        want, got = expected, actual
    if want == got:
        return None
    return _difference(want, got)


def _difference(want: Any, got: Any, context: int = 60) -> str:
    """Where the bodies first differ, with a little of each around that point (long bodies share long prefixes)."""
    expected = want if isinstance(want, str) else orjson.dumps(want).decode()
    actual = got if isinstance(got, str) else orjson.dumps(got).decode()
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), min(len(expected), len(actual))
    )
    start = max(0, at - context)
    return (
        f"body differs at character {at}: expected ...{expected[start : at + context]!r}..., "
        f"got ...{actual[start : at + context]!r}..."
    )


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= limit else text[:limit] + "..."


def _header_mismatches(expected: dict[str, Any], response: HttpResponse, names: list[str]) -> list[str]:
    problems = []
    for name, want in expected.items():
        values = [normalize_text(v, names) for k, v in response.headers if k.lower() == name.lower()]
        wanted = [normalize_text(w, names) for w in (want if isinstance(want, list) else [want])]
        if values != wanted:
            problems.append(f"header {name}: expected {wanted}, got {values}")
    return problems


def mismatches(expected: dict[str, Any], response: HttpResponse) -> list[str]:
    """Every way ``response`` differs from ``expected``; empty when it matches."""
    names = list(expected.get("normalize", []))
    problems: list[str] = []
    if "status" in expected and expected["status"] != response.status:
        problems.append(f"status {response.status}, expected {expected['status']}")
    problems += _header_mismatches(expected.get("headers", {}), response, names)
    for key in ("isBase64Encoded", "logs", "objects"):
        if key in expected and normalize_json(expected[key], names) != normalize_json(response.extra.get(key), names):
            problems.append(f"{key}: expected {_short(expected[key])}, got {_short(response.extra.get(key))}")
    body_problem = _body_mismatch(expected["body"], response, names) if "body" in expected else None
    return problems + ([body_problem] if body_problem else [])


def expectation(response: HttpResponse, normalize: list[str] | None = None, with_status: bool = True) -> dict[str, Any]:
    """The expectation ``--update`` writes for an answer; under ``catalogue``, the catalogue as its placeholder."""
    names = default_normalizers(response) if normalize is None else normalize
    out: dict[str, Any] = {}
    if with_status:
        out["status"] = response.status
    headers = expected_headers(response)
    if headers:
        out["headers"] = headers
    for key in ("isBase64Encoded", "logs", "objects"):
        if key in response.extra:
            out[key] = response.extra[key]
    out["body"] = encode_body(response)
    if "catalogue" in names:
        for key in ("logs", "body"):
            if key in out:
                out[key] = normalize_json(out[key], ["catalogue"])
    if names:
        out["normalize"] = names
    return out
