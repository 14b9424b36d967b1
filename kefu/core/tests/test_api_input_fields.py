"""InputSerializer copies declared fields per request without deepcopy: the same rules, no state shared."""

from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import InputSerializer, id_field, line_field
from kefu.tickets.models import Priority


class _Address(serializers.Serializer):
    city = line_field(10)


class _Body(InputSerializer):
    address = _Address(required=False)
    site = id_field()
    subject = line_field(20)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    tags = serializers.ListField(child=serializers.CharField(max_length=5), required=False, default=list)
    labels = serializers.JSONField(required=False, default=["a"])
    codes = serializers.ListField(child=serializers.ChoiceField(choices=Priority.choices), required=False)


class _Deep(serializers.Serializer):
    address = _Address(required=False)
    site = id_field()
    subject = line_field(20)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    tags = serializers.ListField(child=serializers.CharField(max_length=5), required=False, default=list)
    labels = serializers.JSONField(required=False, default=["a"])
    codes = serializers.ListField(child=serializers.ChoiceField(choices=Priority.choices), required=False)


BAD = {
    "site": 0,
    "subject": "<b>x</b>" + "长" * 30,
    "priority": 9,
    "tags": ["toolong"],
    "address": {"city": "x" * 11},
    "codes": [Priority.HIGH, 9],
}


def test_each_request_gets_its_own_unbound_fields():
    assert _Body._declared_fields["address"].fields  # a nested serializer whose fields were read once
    a, b = _Body().fields, _Body().fields
    for name in a:
        assert a[name] is not b[name] and a[name] is not _Body._declared_fields[name]
        assert a[name].parent is not b[name].parent
    assert a["tags"].child is not b["tags"].child  # a list's item field is copied with it
    assert a["codes"].child is not b["codes"].child and a["codes"].child.parent is a["codes"]
    assert _Body._declared_fields["codes"].child.parent is _Body._declared_fields["codes"]
    assert a["address"].fields["city"] is not b["address"].fields["city"]  # so is a nested serializer
    for name, declared in _Body._declared_fields.items():  # binding a copy leaves the declared field unbound
        assert a[name].field_name == b[name].field_name == name
        assert getattr(declared, "parent", None) is None and getattr(declared, "field_name", None) is None


def test_the_copied_fields_refuse_and_accept_exactly_as_drf_deepcopies_do():
    fast, deep = _Body(data=BAD), _Deep(data=BAD)
    assert not fast.is_valid() and not deep.is_valid()
    assert fast.errors == deep.errors
    good = {"site": 3, "subject": "漏水", "priority": Priority.HIGH, "codes": [Priority.LOW, Priority.HIGH]}
    fast, deep = _Body(data=good), _Deep(data=good)
    assert fast.is_valid() and deep.is_valid()
    assert fast.validated_data == deep.validated_data


def test_a_mutable_default_is_not_shared_between_requests():
    first = _Body(data={"site": 1, "subject": "a"})
    assert first.is_valid()
    first.validated_data["labels"].append("changed")
    second = _Body(data={"site": 1, "subject": "b"})
    assert second.is_valid()
    assert second.validated_data["labels"] == ["a"]
