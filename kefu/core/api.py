"""The one API error format: {code, message, fields} with a 4xx status, plus the plumbing every API view shares."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .authentication import KefuTokenAuthentication
from .errors import CoreError, ServiceError, invalid
from .idempotency import fingerprint, run_idempotent
from .validators import plain_text, single_line

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Ids arrive from clients; bounding them keeps an absurd value a 400/404 instead of a database overflow.
MAX_ID = 2**53


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) if not isinstance(v, dict) else str(next(iter(v.values()), "")) for v in value]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(d) for d in detail]}
    return {}


def _is_null_body(detail) -> bool:
    errors = detail.get("non_field_errors") if isinstance(detail, dict) else None
    return bool(errors) and len(detail) == 1 and all(getattr(e, "code", None) == "null" for e in errors)


def _error(code: str, message, fields=None, *, status_code: int) -> Response:
    return Response({"code": code, "message": str(message), "fields": fields or {}}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        return _error("not_found", CoreError.NOT_FOUND.message, status_code=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        # A model or form validator fired below the serializer: still a 400 with field messages, never a 500.
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error("invalid_input", CoreError.INVALID_INPUT.message, fields, status_code=400)
    if isinstance(exc, RequestDataTooBig):
        return _error("payload_too_large", _("The request is too large."), status_code=413)
    if isinstance(exc, SuspiciousOperation):
        return _error("bad_request", _("The request could not be understood."), status_code=400)
    if isinstance(exc, exceptions.ParseError):
        # DRF's own text is English and quotes the JSON decoder ("Expecting value: line 1 column 2").
        return _error("parse_error", _("The request body could not be read: send well-formed JSON."), status_code=400)
    if isinstance(exc, exceptions.ValidationError) and _is_null_body(exc.detail):
        # A body of `null`: DRF says "No data provided", untranslated.
        fields = {"non_field_errors": [str(_("The request body is empty: send a JSON object."))]}
        return _error("invalid_input", CoreError.INVALID_INPUT.message, fields, status_code=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid_input",
            "message": str(CoreError.INVALID_INPUT.message),
            "fields": _flatten(exc.detail),
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = {"code": code, "message": str(exc.detail), "fields": {}}
    return response


class ErrorSerializer(serializers.Serializer):
    """Documentation of the error body every endpoint answers with."""

    code = serializers.CharField(help_text="Stable snake_case error code, e.g. version_conflict.")
    message = serializers.CharField(help_text="Human-readable message in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Per-field messages."
    )


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid input (per-field messages in `fields`)",
        401: "Not authenticated",
        403: "Not permitted",
        404: "Not found, or belongs to a site you may not see",
        409: "Version conflict or transition not allowed",
        413: "Request too large",
        415: "Unsupported media type",
        422: "Idempotency-Key reused with a different request",
    }
    return {c: OpenApiResponse(ErrorSerializer, description=descriptions[c]) for c in codes}


class KefuAPIView(APIView):
    """Base of every Kefu API view.

    Token authentication goes first so an anonymous client is told 401 with a WWW-Authenticate challenge;
    browsers keep working through the session.
    """

    authentication_classes = [KefuTokenAuthentication, SessionAuthentication]


# --- shared serializer fields ---------------------------------------------------------------------------------


def id_field(**kw) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kw)


def ids_field(**kw) -> serializers.ListField:
    """A repeated query parameter of ids (`?site=1&site=2`), optional."""
    return serializers.ListField(child=id_field(), required=False, **kw)


class SiteFilterSerializer(serializers.Serializer):
    """`?site=` of a list scoped by the caller's sites: narrows it, never widens it."""

    site = ids_field(help_text="Only these sites (repeat for several); not yours: no rows.")


def line_field(max_length: int, **kw) -> serializers.CharField:
    """A single-line text (name, subject): no control characters, no HTML tags."""
    return serializers.CharField(max_length=max_length, validators=[single_line], **kw)


class _BodyBooleanField(serializers.BooleanField):
    # DRF reads a boolean missing from a form or multipart body as false (an HTML form leaves an unticked box
    # out); an API client that leaves it out has not answered, so it is required like in JSON, or its default.
    default_empty_html = empty


def bool_field(**kw) -> serializers.BooleanField:
    """A yes/no field; left out of a form or multipart body it is missing, as in JSON, never false by omission."""
    return _BodyBooleanField(**kw)


def text_field(max_length: int = 10_000, **kw) -> serializers.CharField:
    """A long plain text (description, reply): no NUL or other control characters, newlines allowed."""
    kw.setdefault("trim_whitespace", False)
    return serializers.CharField(max_length=max_length, validators=[plain_text], **kw)


# --- input serializers ----------------------------------------------------------------------------------------

_SHAREABLE = (str, int, float, bool, type(None), Promise, list, tuple)


def _shallow_copy_is_fresh(field: serializers.Field) -> bool:
    """A field whose arguments are plain values (limits, choices, messages, an immutable default) holds no state
    beyond them until bind() sets its name and parent, so a shallow copy of it is a new field."""
    kwargs = field._kwargs
    if isinstance(field, serializers.BaseSerializer):
        return False  # a nested serializer keeps its bound fields once read
    child = kwargs.get("child") if isinstance(field, serializers.ListField) else None
    if child is not None and not _shallow_copy_is_fresh(child):
        return False
    if field._args or not all(isinstance(v, _SHAREABLE) or k in ("validators", "child") for k, v in kwargs.items()):
        return False
    # A list default would be shared by every request.
    return not any(isinstance(v, list | tuple) and k not in ("choices", "validators") for k, v in kwargs.items())


def _fresh_field(field: serializers.Field, shallow: bool) -> serializers.Field:
    """A new, unbound copy of a declared field. DRF deep-copies every declared field for every request; a shallow
    copy where that is the same field costs a fraction (building a create's sixteen fields took a tenth of it)."""
    if not shallow:
        return copy.deepcopy(field)
    clone = field.__class__.__new__(field.__class__)
    clone.__dict__.update(field.__dict__)
    if isinstance(field, serializers.ListField):
        # A list's item field is its own (bound to it, as ListField.__init__ leaves it): copied the same way.
        clone.child = _fresh_field(field.child, True)
        clone.child.parent = clone
    return clone


_declared: dict[type, list[tuple[str, serializers.Field, bool]]] = {}


class InputSerializer(serializers.Serializer):
    """A request body's fields, copied per request without deepcopy where that changes nothing."""

    def get_fields(self):
        cls = type(self)
        if cls not in _declared:  # a class's declared fields are fixed once it is made
            _declared[cls] = [(n, f, _shallow_copy_is_fresh(f)) for n, f in self._declared_fields.items()]
        return {name: _fresh_field(field, shallow) for name, field, shallow in _declared[cls]}


# --- idempotent creates ----------------------------------------------------------------------------------------

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _payload(data):
    if hasattr(data, "getlist"):
        return {k: data.getlist(k) for k in sorted(data.keys())}
    return data


def idempotent_create(request, *, scope: str, action: Callable[[], tuple[int, dict]]) -> Response:
    """Run a create once per Idempotency-Key: a retry gets the first answer (same status and body) back.

    Without the header the create simply runs. The same key with a different body answers 422.
    """
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        code, body = action()
        return Response(body, status=code)
    key = key.strip()
    if not _KEY.match(key):
        raise invalid({IDEMPOTENCY_HEADER: _("Use 1 to 200 printable ASCII characters.")})
    fp = fingerprint(request.method, request.path, _payload(request.data))
    code, body, replayed = run_idempotent(actor=request.user, key=key, scope=scope, fp=fp, action=action)
    response = Response(body, status=code)
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return response


IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "type": str,
    "location": "header",
    "required": False,
    "description": "Any unique string (≤ 200 printable ASCII). A retry with the same key returns the first "
    "answer with header `Idempotent-Replayed: true`; the same key with a different body answers 422.",
}


# --- optimistic concurrency ------------------------------------------------------------------------------------

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def expected_version(request, body_version: int | None) -> int | None:
    """The version the client last saw: `version` in the body, else the If-Match header (an ETag)."""
    header = request.headers.get("If-Match")
    header_version = None
    if header is not None and header.strip() != "*":
        match = _ETAG.match(header)
        if not match:
            raise invalid({"version": _('If-Match must be the work order\'s version, e.g. "3".')})
        header_version = int(match.group(1))
    if body_version is not None and header_version is not None and body_version != header_version:
        raise invalid({"version": _("The version in the body and in If-Match differ.")})
    return body_version if body_version is not None else header_version


def etag(version: int) -> str:
    return f'"{version}"'


# --- unknown routes --------------------------------------------------------------------------------------------


@csrf_exempt  # an unknown path is a 404 for every method: a POST must not be answered by the CSRF page
def not_found_view(request, *args, **kwargs):
    """Unknown API paths answer in the API's error format, not with the HTML 404 page."""
    return JsonResponse(
        {"code": "not_found", "message": str(CoreError.NOT_FOUND.message), "fields": {}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
