"""FieldChecks: a form's independent checks report every refused field at once."""

from __future__ import annotations

import pytest

from kefu.core.errors import CoreError, FieldChecks, ServiceError, invalid
from kefu.tickets.errors import WorkOrderError


def test_field_checks_report_every_refused_field_and_keep_a_single_refusal_as_it_was():
    def refuse(field, error=CoreError.INVALID_INPUT):
        raise ServiceError(error, fields={field: ["不对"]})

    checks = FieldChecks()
    assert checks.run(lambda: 42) == 42
    assert checks.run(lambda: refuse("a", WorkOrderError.REASON_REQUIRED)) is None
    with pytest.raises(ServiceError) as one:
        checks.raise_if_any()
    assert one.value.code == "reason_required" and one.value.fields == {"a": ["不对"]}

    checks = FieldChecks()
    checks.run(lambda: refuse("a"))
    checks.run(lambda: (_ for _ in ()).throw(invalid({"b": "也不对"})))
    with pytest.raises(ServiceError) as many:
        checks.raise_if_any()
    assert many.value.code == "invalid_input" and many.value.fields == {"a": ["不对"], "b": ["也不对"]}

    # Not a field's refusal (a permission, a missing record): raised at once.
    with pytest.raises(ServiceError) as denied:
        FieldChecks().run(lambda: (_ for _ in ()).throw(ServiceError(CoreError.PERMISSION_DENIED)))
    assert denied.value.code == "permission_denied"
    FieldChecks().raise_if_any()  # nothing refused: nothing raised
