"""Working groups, at /working-groups/: a group's page, the Secretariat's forms, the
coordinator's deliverables and a member's leaving (views/groups.py says who may)."""

from django.urls import path

from materials.views import groups

urlpatterns = [
    path("working-groups/", groups.group_list, name="groups"),
    path("working-groups/new/", groups.group_create, name="group_create"),
    path("working-groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("working-groups/<int:pk>/members/add/", groups.add_member, name="group_add_member"),
    path(
        "working-groups/<int:pk>/members/remove/",
        groups.remove_member,
        name="group_remove_member",
    ),
    path(
        "working-groups/<int:pk>/coordinator/",
        groups.set_coordinator,
        name="group_set_coordinator",
    ),
    path("working-groups/<int:pk>/close/", groups.close_group, name="group_close"),
    path("working-groups/<int:pk>/leave/", groups.leave, name="group_leave"),
    path(
        "working-groups/<int:pk>/deliverables/add/",
        groups.add_deliverable,
        name="deliverable_add",
    ),
    path(
        "working-groups/deliverables/<int:pk>/edit/",
        groups.edit_deliverable,
        name="deliverable_edit",
    ),
    path(
        "working-groups/deliverables/<int:pk>/move/",
        groups.move_deliverable,
        name="deliverable_move",
    ),
    path(
        "working-groups/deliverables/<int:pk>/remove/",
        groups.remove_deliverable,
        name="deliverable_remove",
    ),
]
