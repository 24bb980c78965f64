from typing import Any

from django.http import HttpRequest

from wg.permissions import can_manage_working_group, is_chair, is_member


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "viewer": {
            "is_member": is_member(user),
            "is_chair": is_chair(user),
            "can_manage": can_manage_working_group(user),
        }
    }
