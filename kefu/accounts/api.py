"""API for the signed-in staff member and the reference data a client needs to fill a work order."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from kefu.core.api import KefuAPIView, error_responses, id_field

from .models import Role, SiteKind
from .permissions import Capability, has_capability
from .selectors import departments_for, shops_for, sites_for, staff_for

# --- compact references embedded in other resources --------------------------------------------------------


class SiteRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class StaffRefSerializer(serializers.Serializer):
    """A colleague as other staff see them: never the phone number (the desk dials on their behalf)."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    site_id = serializers.IntegerField(read_only=True)


class ShopRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    floor = serializers.CharField(read_only=True)


class SiteSerializer(SiteRefSerializer):
    kind = serializers.ChoiceField(choices=SiteKind.choices, read_only=True)
    time_zone = serializers.CharField(read_only=True)


class ShopSerializer(ShopRefSerializer):
    site_id = serializers.IntegerField(read_only=True)
    area = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    sites = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    capabilities = serializers.SerializerMethodField()

    @extend_schema_field(SiteRefSerializer(many=True))
    def get_sites(self, user):
        return SiteRefSerializer(sites_for(user), many=True).data

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_departments(self, user):
        return DepartmentRefSerializer(departments_for(user).filter(members=user), many=True).data

    def get_capabilities(self, user) -> list[str]:
        return [c.value for c in Capability if has_capability(user, c)]


class SiteFilterSerializer(serializers.Serializer):
    site = id_field(required=False)


def _site_param(request) -> int | None:
    params = SiteFilterSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data.get("site")


class MeView(KefuAPIView):
    @extend_schema(tags=["accounts"], responses={200: MeSerializer, **error_responses(401)})
    def get(self, request):
        """The signed-in staff member: role, sites, departments and what the role may do."""
        return Response(MeSerializer(request.user).data)


class SiteListView(KefuAPIView):
    @extend_schema(
        tags=["accounts"],
        responses={200: inline_serializer("SiteList", {"results": SiteSerializer(many=True)}), **error_responses(401)},
    )
    def get(self, request):
        """Sites (门店·项目) the caller works at."""
        return Response({"results": SiteSerializer(sites_for(request.user), many=True).data})


class DepartmentListView(KefuAPIView):
    @extend_schema(
        tags=["accounts"],
        parameters=[SiteFilterSerializer],
        responses={
            200: inline_serializer("DepartmentList", {"results": DepartmentRefSerializer(many=True)}),
            **error_responses(400, 401),
        },
    )
    def get(self, request):
        """Departments a work order can be transferred to."""
        qs = departments_for(request.user)
        site_id = _site_param(request)
        if site_id:
            qs = qs.filter(site_id=site_id)
        return Response({"results": DepartmentRefSerializer(qs, many=True).data})


class ShopListView(KefuAPIView):
    @extend_schema(
        tags=["accounts"],
        parameters=[SiteFilterSerializer],
        responses={
            200: inline_serializer("ShopList", {"results": ShopSerializer(many=True)}),
            **error_responses(400, 401),
        },
    )
    def get(self, request):
        """Shops and merchants (商户) of the caller's sites."""
        qs = shops_for(request.user, site_id=_site_param(request)).order_by("site_id", "number")
        return Response({"results": ShopSerializer(qs, many=True).data})


class StaffListView(KefuAPIView):
    @extend_schema(
        tags=["accounts"],
        parameters=[SiteFilterSerializer],
        responses={
            200: inline_serializer("StaffList", {"results": StaffRefSerializer(many=True)}),
            **error_responses(400, 401),
        },
    )
    def get(self, request):
        """Colleagues at the caller's sites, to assign or transfer to (phone numbers are never listed)."""
        qs = staff_for(request.user, site_id=_site_param(request)).only("id", "username", "display_name", "role")
        return Response({"results": StaffRefSerializer(qs, many=True).data})
