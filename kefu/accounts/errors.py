from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class AccountsError(ErrorCode):
    SITE_NOT_ALLOWED = (_("You are not a member of this site."), 404)
    DEPARTMENT_NOT_IN_SITE = (_("The department does not belong to this work order's site."), 400)
    ASSIGNEE_NOT_IN_SITE = (_("The assignee does not work at this work order's site."), 400)
    SHOP_NOT_IN_SITE = (_("The shop does not belong to this site."), 400)
