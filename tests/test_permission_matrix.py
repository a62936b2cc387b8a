"""Who reaches what: every URL pattern in the resolver, admin included, as every role.

The test walks the resolver itself, fills each pattern's parameters with real objects (Alice's
document, the officer's saved search, a workshop, one row of each admin model...) and requests
the URL with GET and POST as each role below. A URL without an entry in MATRIX fails the test,
so a new page (missions, materials) is covered the day it appears. One test, one world: the
mismatches are all listed at once.

Outcomes: "200", "404", "403", "405", "410"; "login" (sent to sign in), "2fa" (sent to enter a
TOTP code), "302" (another redirect: the page's own next step).
"""

import os
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from ace_portal.accounts.models import Invitation, hash_token
from ace_portal.accounts.notifications import ACCOUNT_ACTIVATION
from ace_portal.notifications.models import NotificationSettings
from ace_portal.notifications.services.centre import preferences_url
from ace_portal.notifications.services.outbox import notify
from experts.enums import DocumentKind, RequestKind, WorkshopKind
from experts.models import (
    ExpertDocument,
    ExpertImport,
    Language,
    MemberAdministration,
    ProfileType,
    SavedSearch,
    ThematicArea,
    Workshop,
)
from experts.services.accreditation.requests import submit_request
from experts.services.accreditation.transitions import recognize
from experts.services.exports.jobs import build as build_export
from experts.services.exports.jobs import request_export
from experts.services.merge import merge_experts
from experts.views.sections import SECTIONS
from materials.enums import MembershipBasis, VersionReview
from materials.models import Deliverable, Material, MaterialVersion, Membership, WorkingGroup
from missions.enums import MissionType, PositionRole
from missions.models import (
    Assignment,
    Evaluation,
    LogisticsItem,
    MissionDocument,
    MissionMaterial,
    MissionReport,
    Release,
)
from missions.models import Invitation as MissionInvitation
from missions.services import calendars, releases
from missions.services.invitations import token_for
from missions.services.missions import create_mission
from missions.services.positions import add_position
from missions.services.requests import record_request
from tests.conftest import sign_in
from tests.factories import ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "password_only_staff", "expert", "other_expert", "secretariat", "admin"]


def row(anonymous, password_only_staff, expert, other_expert, secretariat, admin):
    return (anonymous, password_only_staff, expert, other_expert, secretariat, admin)


# GET outcome per URL (its name, or its route when it has none), as each role in ROLES order.
# "expert" is Alice, who owns the objects in the URLs; "other_expert" is Bob; the password-only
# staff session is the admin's, signed in without its second factor. A role denied by GET is
# also denied by a POST to the same URL (checked by the test).
MATRIX: dict[str, tuple[str, ...]] = {
    "home": row("login", "2fa", "302", "302", "302", "302"),
    "favicon": row("302", "2fa", "302", "302", "302", "302"),
    "accept_invitation": row("200", "2fa", "200", "200", "200", "200"),
    "account_overview": row("login", "2fa", "200", "200", "200", "200"),
    "account_login": row("200", "2fa", "302", "302", "302", "302"),
    "account_logout": row("login", "200", "200", "200", "200", "200"),
    "account_inactive": row("200", "2fa", "200", "200", "200", "200"),
    "account_signup": row("200", "2fa", "302", "302", "302", "302"),
    "account_reauthenticate": row("login", "2fa", "200", "200", "200", "200"),
    "account_request_reauthentication_code": row("login", "2fa", "200", "200", "200", "200"),
    "account_confirm_reauthentication_code": row("login", "2fa", "302", "302", "302", "302"),
    "account_email": row("login", "2fa", "200", "200", "200", "200"),
    "account_email_verification_sent": row("200", "2fa", "200", "200", "200", "200"),
    "account_change_password": row("login", "2fa", "200", "200", "200", "200"),
    "account_set_password": row("login", "2fa", "302", "302", "302", "302"),
    "account_reset_password": row("200", "2fa", "200", "200", "200", "200"),
    "account_confirm_login_code": row("login", "2fa", "302", "302", "302", "302"),
    "account_confirm_email": row("200", "2fa", "200", "200", "200", "200"),
    "account_reset_password_from_key_done": row("200", "2fa", "200", "200", "200", "200"),
    "account_reset_password_from_key": row("302", "2fa", "302", "302", "302", "302"),
    "account_reset_password_done": row("200", "2fa", "200", "200", "200", "200"),
    "mfa_index": row("login", "2fa", "200", "200", "200", "200"),
    "mfa_authenticate": row("login", "2fa", "302", "302", "302", "302"),
    "mfa_reauthenticate": row("login", "200", "302", "302", "200", "200"),
    "mfa_activate_totp": row("login", "2fa", "302", "302", "302", "302"),
    "mfa_deactivate_totp": row("login", "2fa", "404", "404", "302", "302"),
    "mfa_view_recovery_codes": row("login", "2fa", "404", "404", "302", "302"),
    "mfa_generate_recovery_codes": row("login", "2fa", "302", "302", "302", "302"),
    "mfa_download_recovery_codes": row("login", "2fa", "404", "404", "302", "302"),
    "set_language": row("405", "405", "405", "405", "405", "405"),
    "experts:profile": row("login", "2fa", "200", "200", "404", "404"),
    "experts:confirm_profile": row("405", "2fa", "405", "405", "405", "405"),
    "experts:edit_section": row("login", "2fa", "200", "200", "404", "404"),
    "experts:accreditations": row("login", "2fa", "200", "200", "404", "404"),
    "experts:accreditation_request": row("login", "2fa", "200", "200", "404", "404"),
    "missions:mine": row("login", "2fa", "200", "200", "404", "404"),
    "experts:document": row("login", "2fa", "200", "404", "200", "200"),
    "experts:photo": row("login", "2fa", "200", "404", "200", "200"),
    "secretariat:directory": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:directory_export": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:save_search": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:delete_saved_search": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:register_expert": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_start": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_template": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_template_xlsx": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_detail": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_progress": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:import_confirm": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:import_cancel": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:expert_detail": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:resend_invitation": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:merge_expert": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:workshop_list": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:workshop_create": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:workshop_detail": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:workshop_add_candidate": row("405", "2fa", "405", "405", "405", "405"),
    "secretariat:workshop_outcomes": row("405", "2fa", "405", "405", "405", "405"),
    # An export is its requester's alone (it may hold passport data): the admin is a stranger.
    "secretariat:export_detail": row("login", "2fa", "404", "404", "200", "404"),
    "secretariat:export_progress": row("login", "2fa", "404", "404", "200", "404"),
    "secretariat:export_download": row("login", "2fa", "404", "404", "200", "404"),
    "secretariat:expert_cv": row("login", "2fa", "404", "404", "200", "200"),
    "secretariat:expert_cv_pdf": row("login", "2fa", "404", "404", "400", "400"),
    "notifications:list": row("login", "2fa", "200", "200", "200", "200"),
    "notifications:bell": row("login", "2fa", "200", "200", "200", "200"),
    "notifications:mark_read": row("405", "2fa", "405", "405", "405", "405"),
    "notifications:mark_all_read": row("405", "2fa", "405", "405", "405", "405"),
    "notifications:preferences": row("login", "2fa", "200", "200", "200", "200"),
    "notifications:preferences_by_link": row("200", "2fa", "200", "200", "200", "200"),
    # Alice's invitation link: the link is hers; anybody else signed in is a stranger to it.
    "missions:answer": row("200", "2fa", "200", "404", "404", "404"),
    "missions:answer_in_portal": row("405", "2fa", "405", "405", "405", "405"),
    # Alice's release link is her administration's: anyone holding it but Alice herself.
    "missions:release": row("200", "2fa", "404", "200", "200", "200"),
    "missions:release_record": row("login", "2fa", "404", "404", "200", "200"),
    "missions:list": row("login", "2fa", "404", "404", "200", "200"),
    "missions:detail": row("login", "2fa", "404", "404", "200", "200"),
    "missions:candidates": row("login", "2fa", "404", "404", "200", "200"),
    "missions:create": row("login", "2fa", "404", "404", "200", "200"),
    "missions:needs_action": row("login", "2fa", "404", "404", "200", "200"),
    # The report is the Secretariat's and its lead's: Alice holds the lead seat.
    "missions:report_file": row("login", "2fa", "200", "404", "200", "200"),
    "missions:evaluate": row("login", "2fa", "404", "404", "200", "200"),
    # Alice's calendar address: a secret link, like the invitation's.
    "missions:calendar": row("200", "2fa", "200", "200", "200", "200"),
    "missions:manage_calendar": row("405", "2fa", "405", "405", "405", "405"),
    "missions:submit_report": row("405", "2fa", "405", "405", "405", "405"),
    "missions:decide_report": row("405", "2fa", "405", "405", "405", "405"),
    "missions:move": row("405", "2fa", "405", "405", "405", "405"),
    "missions:add_position": row("405", "2fa", "405", "405", "405", "405"),
    "missions:invite": row("405", "2fa", "405", "405", "405", "405"),
    "missions:release_letter": row("login", "2fa", "404", "404", "200", "200"),
    "missions:release_scanned_letter": row("login", "2fa", "404", "404", "200", "200"),
    # Before the mission: Alice holds the seat; the page of her mission is hers alone.
    "missions:my_mission": row("login", "2fa", "200", "404", "404", "404"),
    "missions:checklist": row("login", "2fa", "404", "404", "200", "200"),
    "missions:document": row("login", "2fa", "200", "404", "200", "200"),
    "missions:add_document": row("405", "2fa", "405", "405", "405", "405"),
    "missions:remove_document": row("405", "2fa", "405", "405", "405", "405"),
    "missions:requests": row("login", "2fa", "404", "404", "200", "200"),
    "missions:record_request": row("login", "2fa", "404", "404", "200", "200"),
    "missions:request_detail": row("login", "2fa", "404", "404", "200", "200"),
    "missions:request_attachment": row("login", "2fa", "404", "404", "200", "200"),
    "missions:accept_request": row("login", "2fa", "404", "404", "200", "200"),
    "missions:decline_request": row("405", "2fa", "405", "405", "405", "405"),
    "missions:month_calendar": row("login", "2fa", "404", "404", "200", "200"),
    "missions:attach_material": row("405", "2fa", "405", "405", "405", "405"),
    "missions:detach_material": row("405", "2fa", "405", "405", "405", "405"),
    # A library material attached to Alice's mission: her seat opens it, without the area.
    "missions:material_file": row("login", "2fa", "200", "404", "200", "200"),
    # The library: every expert and the Secretariat, each seeing what they may (Bob: nothing).
    "materials:library": row("login", "2fa", "200", "200", "200", "200"),
    # Group materials start with a member of an open group (the Secretariat publishes its own).
    "materials:material_create": row("login", "2fa", "200", "404", "404", "404"),
    "materials:material_publish": row("login", "2fa", "404", "404", "200", "200"),
    # Alice's group's handbook, in review: her group and the Secretariat only.
    "materials:material_detail": row("login", "2fa", "200", "404", "200", "200"),
    "materials:material_edit": row("login", "2fa", "200", "404", "200", "200"),
    "materials:material_withdraw": row("405", "2fa", "405", "405", "405", "405"),
    "materials:version_upload": row("405", "2fa", "405", "405", "405", "405"),
    "materials:version_file": row("login", "2fa", "200", "404", "200", "200"),
    "materials:version_approve": row("405", "2fa", "405", "405", "405", "405"),
    "materials:version_return": row("405", "2fa", "405", "405", "405", "405"),
    # Working groups: an expert lists their own; a group is its members' and the Secretariat's.
    "materials:groups": row("login", "2fa", "200", "200", "200", "200"),
    "materials:group_create": row("login", "2fa", "404", "404", "200", "200"),
    "materials:group_detail": row("login", "2fa", "200", "404", "200", "200"),
    "materials:group_add_member": row("405", "2fa", "405", "405", "405", "405"),
    "materials:group_remove_member": row("405", "2fa", "405", "405", "405", "405"),
    "materials:group_set_coordinator": row("405", "2fa", "405", "405", "405", "405"),
    "materials:group_close": row("405", "2fa", "405", "405", "405", "405"),
    "materials:group_leave": row("405", "2fa", "405", "405", "405", "405"),
    "materials:deliverable_add": row("405", "2fa", "405", "405", "405", "405"),
    # Alice coordinates: she and the Secretariat keep the deliverables.
    "materials:deliverable_edit": row("login", "2fa", "200", "404", "200", "200"),
    "materials:deliverable_move": row("405", "2fa", "405", "405", "405", "405"),
    "materials:deliverable_remove": row("405", "2fa", "405", "405", "405", "405"),
    "admin:index": row("login", "2fa", "login", "login", "login", "200"),
    "admin:login": row("login", "2fa", "403", "403", "403", "302"),
    "admin:logout": row("302", "2fa", "302", "302", "302", "405"),
    "admin:password_change_done": row("login", "2fa", "login", "login", "login", "200"),
    "admin:autocomplete": row("login", "2fa", "login", "login", "login", "403"),
    "admin:jsi18n": row("login", "2fa", "login", "login", "login", "200"),
    "admin:view_on_site": row("login", "2fa", "login", "login", "login", "404"),
    "admin:app_list": row("login", "2fa", "login", "login", "login", "200"),
    "admin/(?P<url>.*)$": row("login", "2fa", "login", "login", "login", "404"),
    "admin:password_change": row("login", "2fa", "login", "login", "login", "200"),
    "admin:auth_user_password_change": row("login", "2fa", "login", "login", "login", "200"),
}

# Pages that only take POST (405 to a GET): the outcome of a POST per role; "-" where the role
# may do it (not posted: an empty POST by an allowed role would act, e.g. delete a search).
POST_ONLY: dict[str, tuple[str, ...]] = {
    "set_language": row("-", "-", "-", "-", "-", "-"),
    "experts:confirm_profile": row("login", "2fa", "-", "-", "404", "404"),
    "secretariat:save_search": row("login", "2fa", "404", "404", "-", "-"),
    # The saved search is the officer's own: the admin is a stranger to it.
    "secretariat:delete_saved_search": row("login", "2fa", "404", "404", "-", "404"),
    "secretariat:import_confirm": row("login", "2fa", "404", "404", "-", "-"),
    "secretariat:import_cancel": row("login", "2fa", "404", "404", "-", "-"),
    "secretariat:resend_invitation": row("login", "2fa", "404", "404", "-", "-"),
    "secretariat:workshop_add_candidate": row("login", "2fa", "404", "404", "-", "-"),
    "secretariat:workshop_outcomes": row("login", "2fa", "404", "404", "-", "-"),
    # Alice's notification: nobody else may mark it read.
    "notifications:mark_read": row("login", "2fa", "-", "404", "404", "404"),
    "missions:invite": row("login", "2fa", "404", "404", "-", "-"),
    "missions:move": row("login", "2fa", "404", "404", "-", "-"),
    "missions:add_position": row("login", "2fa", "404", "404", "-", "-"),
    "missions:add_document": row("login", "2fa", "404", "404", "-", "-"),
    "missions:remove_document": row("login", "2fa", "404", "404", "-", "-"),
    "missions:decline_request": row("login", "2fa", "404", "404", "-", "-"),
    # Only the mission's lead (Alice) submits its report.
    "missions:submit_report": row("login", "2fa", "-", "404", "404", "404"),
    "missions:decide_report": row("login", "2fa", "404", "404", "-", "-"),
    "missions:manage_calendar": row("login", "2fa", "-", "-", "-", "-"),
    # Alice's invitation: nobody else may answer it.
    "missions:answer_in_portal": row("login", "2fa", "-", "404", "404", "404"),
    "notifications:mark_all_read": row("login", "2fa", "-", "-", "-", "-"),
    "missions:attach_material": row("login", "2fa", "404", "404", "-", "-"),
    "missions:detach_material": row("login", "2fa", "404", "404", "-", "-"),
    "materials:material_withdraw": row("login", "2fa", "404", "404", "-", "-"),
    # Alice's group uploads new versions; the Secretariat too.
    "materials:version_upload": row("login", "2fa", "-", "404", "-", "-"),
    # Only the Secretariat reviews: Alice may not approve her own group's handbook.
    "materials:version_approve": row("login", "2fa", "404", "404", "-", "-"),
    "materials:version_return": row("login", "2fa", "404", "404", "-", "-"),
    "materials:group_add_member": row("login", "2fa", "404", "404", "-", "-"),
    "materials:group_remove_member": row("login", "2fa", "404", "404", "-", "-"),
    "materials:group_set_coordinator": row("login", "2fa", "404", "404", "-", "-"),
    "materials:group_close": row("login", "2fa", "404", "404", "-", "-"),
    # Only a member leaves; the Secretariat is not one.
    "materials:group_leave": row("login", "2fa", "-", "404", "404", "404"),
    "materials:deliverable_add": row("login", "2fa", "-", "404", "-", "-"),
    "materials:deliverable_move": row("login", "2fa", "-", "404", "-", "-"),
    "materials:deliverable_remove": row("login", "2fa", "-", "404", "-", "-"),
    "admin:logout": row("-", "2fa", "-", "-", "-", "-"),
}

# Every model registered in the admin, by "<app_label>_<model_name>": what the admin gets on its
# pages. Everyone else is refused every admin page: sent to sign in (experts and Secretariat
# officers are not Django staff), or to the second factor.
ADMIN_ACTIONS = ("changelist", "add", "change", "history", "delete")


def admin_pages(**overrides):
    pages = dict.fromkeys(ADMIN_ACTIONS, "200") | {"redirect": "302"}
    return pages | overrides


ADMIN_DENIED = ("login", "2fa", "login", "login", "login")
# Append-only records: the admin reads them, never adds or deletes one by hand.
RECORD = admin_pages(add="403", delete="403")
ADMIN_MODELS: dict[str, dict[str, str]] = {
    "auth_group": admin_pages(),
    "account_emailaddress": admin_pages(),
    "mfa_authenticator": admin_pages(),
    "django_celery_beat_periodictask": admin_pages(),
    "django_celery_beat_clockedschedule": admin_pages(),
    "django_celery_beat_crontabschedule": admin_pages(),
    "django_celery_beat_solarschedule": admin_pages(),
    "django_celery_beat_intervalschedule": admin_pages(),
    "accounts_user": admin_pages(),
    # Invitations are made by registering an expert (the link is emailed), not by hand.
    "accounts_invitation": admin_pages(add="403"),
    "notifications_notification": RECORD,
    "notifications_notificationsettings": admin_pages(),
    "experts_accreditationrequest": RECORD,
    "experts_accreditation": RECORD,
    "experts_accreditationevent": RECORD,
    "experts_expertmerge": RECORD,
    "experts_workshop": admin_pages(),
    "experts_region": admin_pages(),
    "experts_memberadministration": admin_pages(),
    "experts_profiletype": admin_pages(),
    "experts_thematicarea": admin_pages(),
    "experts_language": admin_pages(),
    "experts_expert": admin_pages(),
    # Documents come from the expert's own uploads.
    "experts_expertdocument": admin_pages(add="403"),
    "missions_fundingsource": admin_pages(),
    "missions_assistancerequest": admin_pages(),
    # A mission's history is append-only: it is cancelled, never deleted.
    "missions_mission": admin_pages(delete="403"),
    # Written by the staffing services; the admin reads them.
    "missions_invitation": admin_pages(add="403", delete="403"),
    "missions_assignment": admin_pages(add="403", delete="403"),
    "missions_evaluation": admin_pages(add="403", delete="403"),
    "missions_release": admin_pages(add="403", delete="403"),
    "missions_missionreport": admin_pages(add="403", delete="403"),
    "missions_calendarfeed": admin_pages(add="403", change="200", delete="403"),
    # Checklists are written in the portal; documents added there, where their content is checked.
    "missions_logisticsitem": admin_pages(add="403", delete="403"),
    "missions_missiondocument": admin_pages(add="403"),
    # Groups are formed, and materials reviewed, in the portal where the rules are kept.
    "materials_workinggroup": admin_pages(add="403", delete="403"),
    "materials_membership": admin_pages(add="403", delete="403"),
    "materials_deliverable": admin_pages(add="403"),
    "materials_material": admin_pages(add="403", delete="403"),
    "materials_materialversion": admin_pages(add="403", delete="403"),
}


# --- The world --------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def build_world(alice, bob, officer, admin_user):
    """One real object behind every parameter a URL pattern can take."""
    document = ExpertDocument(
        expert=alice,
        kind=DocumentKind.CV,
        original_name="alice-cv.pdf",
        size=len(PDF),
        uploaded_by=alice.user,
    )
    document.file.save("cv.pdf", ContentFile(PDF), save=False)
    document.save()
    alice.photo.save("photo.png", ContentFile(PNG), save=True)
    saved_search = SavedSearch.objects.create(owner=officer, name="Risk", query="q=risk")
    expert_import = ExpertImport.objects.create(
        original_name="experts.csv", size=10, content=b"email\n", created_by=officer
    )
    workshop = Workshop.objects.create(
        kind=WorkshopKind.ACCREDITATION,
        title="AEO accreditation workshop",
        area=ThematicArea.objects.get(code="aeo-safe"),
        profile_type=ProfileType.objects.get(code="TOA"),
        start_date=date(2030, 3, 2),
        end_date=date(2030, 3, 6),
        created_by=officer,
    )
    notification = notify(
        alice.user, ACCOUNT_ACTIVATION, context={"link": "x", "expires_at": ""}, dedupe_key="m"
    )
    invitee = UserFactory(email="invitee@customs.example")
    invitee.set_unusable_password()
    invitee.save()
    invitation_token = "matrix-invitation-token"
    Invitation.objects.create(
        user=invitee,
        token_hash=hash_token(invitation_token),
        expires_at=timezone.now() + timedelta(days=1),
    )
    address, _ = EmailAddress.objects.get_or_create(
        user=alice.user, email=alice.user.email, defaults={"verified": False, "primary": True}
    )
    NotificationSettings.objects.get_or_create(user=alice.user)
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    PeriodicTask.objects.get_or_create(
        name="matrix", defaults={"task": "matrix", "interval": interval}
    )
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    CrontabSchedule.objects.get_or_create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=46.2, longitude=6.1)
    toa = ProfileType.objects.get(code="TOA")
    recognize(alice, toa, ThematicArea.objects.get(code="transit"), by=officer, reason="Board.")
    submit_request(
        alice,
        kind=RequestKind.RECOGNITION,
        message="Recognition, please.",
        upload=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        by=alice.user,
        profile_type=toa,
        area=ThematicArea.objects.get(code="aeo-safe"),
    )
    merge_experts(
        bob, ExpertFactory(given_names="Bob", family_name="Okafor"), choices={}, by=officer
    )
    mission = create_mission(
        title="Risk management diagnostic",
        mission_type=MissionType.DIAGNOSTIC,
        thematic_area=ThematicArea.objects.get(code="risk-management"),
        beneficiaries=[MemberAdministration.objects.get(iso_code="GH")],
        region=MemberAdministration.objects.get(iso_code="GH").region,
        start_date=date(2030, 5, 6),
        end_date=date(2030, 5, 10),
        working_languages=[Language.objects.get(code="en")],
        officer=officer,
        by=officer,
    )
    position = add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    # Alice's invitation: only she (or whoever holds her link, signed out) may open it.
    invitation = MissionInvitation.objects.create(
        position=position, expert=alice, deadline=timezone.now() + timedelta(days=7)
    )
    assignment = Assignment.objects.create(
        position=position, expert=alice, invitation=invitation, state="confirmed"
    )
    report = MissionReport(mission=mission, submitted_by=alice.user, original_name="r.pdf")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    # The release of Alice, with the officer's scanned letter on file.
    release = Release.objects.create(
        assignment=assignment, administration=alice.home_administration
    )
    release.letter.save("letter.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    # Before the mission: the agenda, and one item of Alice's checklist.
    mission_document = MissionDocument(
        mission=mission,
        kind="agenda",
        title="Agenda",
        original_name="agenda.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=officer,
    )
    mission_document.file.save("document.pdf", ContentFile(PDF))
    LogisticsItem.objects.create(assignment=assignment, kind="visa", state="in_progress")
    Evaluation.objects.create(
        assignment=assignment,
        technical_knowledge=4,
        facilitation=4,
        use_of_wco_tools=4,
        communication=4,
        teamwork=4,
        evaluated_by=officer,
    )
    # A waiting request, with the letter that came with it.
    assistance_request = record_request(
        requesting_administration=MemberAdministration.objects.get(iso_code="GH"),
        thematic_area=ThematicArea.objects.get(code="transit"),
        mission_type=MissionType.NATIONAL_WORKSHOP,
        working_language=Language.objects.get(code="en"),
        justification="A national workshop on transit.",
        by=officer,
        attachments=[SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")],
    )
    # Alice coordinates a working group on transit (she is recognized in it), whose handbook
    # waits for review: Bob, who holds nothing in transit, is a stranger to all of it.
    group = WorkingGroup.objects.create(
        name="Transit handbook group",
        area=ThematicArea.objects.get(code="transit"),
        mandate="Write the transit handbook.",
        created_by=officer,
    )
    Membership.objects.create(
        group=group, expert=alice, basis=MembershipBasis.ACCREDITED, added_by=officer
    )
    group.coordinator = alice
    group.save()
    deliverable = Deliverable.objects.create(
        group=group, title="Handbook draft", due_date=date(2030, 6, 1), updated_by=officer
    )
    material = Material.objects.create(
        area=group.area,
        group=group,
        title="Transit handbook",
        kind="handbook",
        created_by=alice.user,
    )
    version = MaterialVersion(
        material=material,
        number=1,
        review=VersionReview.IN_REVIEW,
        original_name="handbook.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=alice.user,
    )
    version.file.save("material.pdf", ContentFile(PDF))
    # A Secretariat tool on risk management, attached to Alice's mission: she holds nothing in
    # risk management, her seat lets her open it; Bob has neither.
    tool = Material.objects.create(
        area=mission.thematic_area,
        title="Risk indicators",
        kind="risk_indicators",
        state="published",
        created_by=officer,
    )
    tool_version = MaterialVersion(
        material=tool,
        number=1,
        review=VersionReview.APPROVED,
        original_name="indicators.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=officer,
    )
    tool_version.file.save("material.pdf", ContentFile(PDF))
    tool.published_version = tool_version
    tool.save()
    MissionMaterial.objects.create(mission=mission, material=tool, added_by=officer)
    # The officer's finished export (the task's own work, run here: no commit in this test).
    export_job = request_export(by=officer, query="", file_format="csv", sensitive=False)
    build_export(export_job.pk)
    return {
        "group": group.pk,
        "deliverable": deliverable.pk,
        "material": material.pk,
        "mission_material": tool.pk,
        "export": export_job.pk,
        "token": invitation_token,
        "mission_invitation_token": token_for(invitation),
        "mission_invitation": invitation.pk,
        "release": release.pk,
        "mission": mission.reference,
        "mission_document": mission_document.pk,
        "assistance_request": assistance_request.pk,
        "request_attachment": assistance_request.attachments.get().pk,
        "position": position.pk,
        "assignment": assignment.pk,
        "calendar_token": calendars.feed_for(alice.user).token,
        "release_token": releases.token_for(release),
        "section": SECTIONS[0].slug,
        "document": document.pk,
        "photo": alice.pk,
        "saved_search": saved_search.pk,
        "import": expert_import.pk,
        "expert": alice.pk,
        "workshop": workshop.pk,
        "notification": notification.pk,
        "preferences_token": preferences_url(alice.user).rstrip("/").rsplit("/", 1)[-1],
        "confirm_email_key": EmailConfirmationHMAC(address).key,
        "reset": (user_pk_to_url_str(alice.user), default_token_generator.make_token(alice.user)),
        "user": alice.user.pk,
        "content_type": ContentType.objects.get_for_model(alice).pk,
    }


# --- Walking the resolver ---------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) for every URL pattern, admin included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            route = prefix + str(pattern.pattern)
            yield name or route, route


# Parameters of the patterns that take some, by URL key (admin object ids are filled below).
def url_kwargs(key: str, world: dict) -> dict:
    return {
        "accept_invitation": {"token": world["token"]},
        "experts:edit_section": {"section": world["section"]},
        "experts:document": {"pk": world["document"]},
        "experts:photo": {"pk": world["photo"]},
        "secretariat:delete_saved_search": {"pk": world["saved_search"]},
        "secretariat:import_detail": {"pk": world["import"]},
        "secretariat:import_progress": {"pk": world["import"]},
        "secretariat:import_confirm": {"pk": world["import"]},
        "secretariat:import_cancel": {"pk": world["import"]},
        "secretariat:expert_detail": {"pk": world["expert"]},
        "secretariat:resend_invitation": {"pk": world["expert"]},
        "secretariat:merge_expert": {"pk": world["expert"]},
        "secretariat:workshop_detail": {"pk": world["workshop"]},
        "secretariat:workshop_add_candidate": {"pk": world["workshop"]},
        "secretariat:workshop_outcomes": {"pk": world["workshop"]},
        "secretariat:export_detail": {"pk": world["export"]},
        "secretariat:export_progress": {"pk": world["export"]},
        "secretariat:export_download": {"pk": world["export"]},
        "secretariat:expert_cv": {"pk": world["expert"]},
        "secretariat:expert_cv_pdf": {"pk": world["expert"]},
        "notifications:mark_read": {"pk": world["notification"]},
        "notifications:preferences_by_link": {"token": world["preferences_token"]},
        "missions:answer": {"token": world["mission_invitation_token"]},
        "missions:answer_in_portal": {"pk": world["mission_invitation"]},
        "missions:release": {"token": world["release_token"]},
        "missions:release_record": {"pk": world["release"]},
        "missions:detail": {"reference": world["mission"]},
        "missions:move": {"reference": world["mission"]},
        "missions:add_position": {"reference": world["mission"]},
        "missions:report_file": {"reference": world["mission"]},
        "missions:submit_report": {"reference": world["mission"]},
        "missions:decide_report": {"reference": world["mission"]},
        "missions:evaluate": {"pk": world["assignment"]},
        "missions:calendar": {"token": world["calendar_token"]},
        "missions:candidates": {"reference": world["mission"], "pk": world["position"]},
        "missions:invite": {"reference": world["mission"], "pk": world["position"]},
        "missions:release_letter": {"pk": world["release"]},
        "missions:release_scanned_letter": {"pk": world["release"]},
        "missions:my_mission": {"reference": world["mission"]},
        "missions:checklist": {"pk": world["assignment"]},
        "missions:add_document": {"reference": world["mission"]},
        "missions:document": {"reference": world["mission"], "pk": world["mission_document"]},
        "missions:remove_document": {
            "reference": world["mission"],
            "pk": world["mission_document"],
        },
        "missions:request_detail": {"pk": world["assistance_request"]},
        "missions:accept_request": {"pk": world["assistance_request"]},
        "missions:decline_request": {"pk": world["assistance_request"]},
        "missions:request_attachment": {
            "pk": world["assistance_request"],
            "attachment_pk": world["request_attachment"],
        },
        **{
            f"materials:{name}": {"pk": world["group"]}
            for name in (
                "group_detail",
                "group_add_member",
                "group_remove_member",
                "group_set_coordinator",
                "group_close",
                "group_leave",
                "deliverable_add",
            )
        },
        **{
            f"materials:{name}": {"pk": world["deliverable"]}
            for name in ("deliverable_edit", "deliverable_move", "deliverable_remove")
        },
        **{
            f"materials:{name}": {"pk": world["material"]}
            for name in ("material_detail", "material_edit", "material_withdraw", "version_upload")
        },
        **{
            f"materials:{name}": {"pk": world["material"], "number": 1}
            for name in ("version_file", "version_approve", "version_return")
        },
        **{
            f"missions:{name}": {
                "reference": world["mission"],
                "material_pk": world["mission_material"],
            }
            for name in ("detach_material", "material_file")
        },
        "missions:attach_material": {"reference": world["mission"]},
        "account_confirm_email": {"key": world["confirm_email_key"]},
        "account_reset_password_from_key": {
            "uidb36": world["reset"][0],
            "key": world["reset"][1],
        },
        "admin:auth_user_password_change": {"id": world["user"]},
        "admin:app_list": {"app_label": "experts"},
        "admin/(?P<url>.*)$": {"url": "experts/nothing-here/"},
        "admin:view_on_site": {
            "content_type_id": world["content_type"],
            "object_id": world["expert"],
        },
    }.get(key, {})


def admin_model(route: str):
    """The registered admin model whose pages `route` belongs to, else None."""
    for model in admin.site._registry:
        if route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def admin_expectation(key: str, model) -> tuple[str, ...] | None:
    model_key = f"{model._meta.app_label}_{model._meta.model_name}"
    pages = ADMIN_MODELS.get(model_key)
    if pages is None:
        return None
    if key.startswith("admin/"):  # the unnamed <object_id>/ pattern, a redirect to "change"
        return (*ADMIN_DENIED, pages["redirect"])
    for action in ADMIN_ACTIONS:
        if key == f"admin:{model_key}_{action}":
            return (*ADMIN_DENIED, pages[action])
    return MATRIX.get(key)  # a page of the model's own (the user's password form)


def resolve_cases(world):
    """(key, url, expected row) for every pattern, and the keys that have no entry."""
    cases, missing = [], []
    for key, route in url_patterns():
        model = admin_model(route)
        if model is not None:
            expected = admin_expectation(key, model)
            kwargs = {}
            if "object_id" in route:
                instance = model._default_manager.order_by("pk").first()
                assert instance is not None, f"build_world makes no {model.__name__} ({route})"
                kwargs = {"object_id": instance.pk}
            elif "<id>" in route:
                kwargs = {"id": world["user"]}
        else:
            expected = MATRIX.get(key)
            kwargs = url_kwargs(key, world)
        if expected is None and DISCOVER:
            expected = UNKNOWN
        if expected is None:
            missing.append(key)
            continue
        if "405" in expected and key not in POST_ONLY:
            missing.append(f"{key} (in POST_ONLY)")
            continue
        cases.append((key, route_to_url(key, route, kwargs), expected))
    return cases, missing


def route_to_url(key: str, route: str, kwargs: dict) -> str:
    """The URL of a pattern with these parameters (path converters or regex groups)."""
    url = "/" + route.replace("^", "").replace("$", "")
    for name, value in kwargs.items():
        url = re.sub(rf"<(\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), url)
    assert "<" not in url and "(" not in url, f"{key}: no value for a parameter of {url}"
    return url


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        path = urlsplit(response.url).path
        if path in (reverse("account_login"), reverse("admin:login")):
            return "login"
        if path == reverse("mfa_reauthenticate"):
            return "2fa"
        return "302"
    return str(response.status_code)


DENIALS = {"login", "2fa", "403", "404"}
# MATRIX_DISCOVER=1 prints what each URL answers now, to review before it goes into MATRIX.
DISCOVER = bool(os.environ.get("MATRIX_DISCOVER"))
UNKNOWN = ("?",) * len(ROLES)


def print_observed(observed):
    for key, got in observed.items():
        print(f"    {key!r}: row{got},")


@pytest.fixture
def clients(alice, bob, officer, admin_user):
    made = {role: Client() for role in ROLES}
    made["password_only_staff"].force_login(admin_user)
    made["expert"].force_login(alice.user)
    made["other_expert"].force_login(bob.user)
    sign_in(made["secretariat"], officer)
    sign_in(made["admin"], admin_user)
    return made


def test_permission_matrix_every_url_every_role(alice, bob, officer, admin_user, clients):
    world = build_world(alice, bob, officer, admin_user)
    cases, missing = resolve_cases(world)
    assert not missing, (
        "URL patterns without an entry in tests/test_permission_matrix.py (add one: who may "
        "reach it, as each role?): " + ", ".join(missing)
    )
    mismatches, observed = [], {}
    for key, url, expected in cases:
        got = tuple(outcome(clients[role].get(url)) for role in ROLES)
        observed[key] = got
        for role, want, result in zip(ROLES, expected, got, strict=True):
            if result != want:
                mismatches.append(f"GET {url} ({key}) as {role}: expected {want}, got {result}")
            if want in DENIALS:
                posted = outcome(clients[role].post(url, {}))
                if posted not in DENIALS | {"405"}:
                    mismatches.append(f"POST {url} ({key}) as {role}: {posted}, not denied")
        for role, want in zip(ROLES, POST_ONLY.get(key, ("-",) * len(ROLES)), strict=True):
            if want != "-" and (result := outcome(clients[role].post(url, {}))) != want:
                mismatches.append(f"POST {url} ({key}) as {role}: expected {want}, got {result}")
    if DISCOVER:
        print_observed(observed)
    assert not mismatches, "\n".join(mismatches)


def test_permission_matrix_entries_all_name_a_url():
    """An entry left behind by a removed URL is a sign the matrix is not read: keep it exact."""
    keys = {key for key, _ in url_patterns()}
    assert set(MATRIX) - keys == set()
    assert set(POST_ONLY) - keys == set()
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert set(ADMIN_MODELS) == registered
