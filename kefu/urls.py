from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Kefu 客服中心管理系统"
admin.site.site_title = "Kefu"
admin.site.index_title = "基础资料管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("kefu.api_urls")),
    path("", include("kefu.web_urls")),
]
