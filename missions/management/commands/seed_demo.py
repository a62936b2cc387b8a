"""Seed a fictitious pool of experts, missions staffed from it, working groups and a training
materials library, and four demo accounts, then print how to sign in.

    manage.py seed_demo [--experts N] [--missions N] [--seed S] [--reset]

The pool (users at ``@customs.example``) is created once, with its accreditations, their
histories, past and upcoming workshops and a few pending requests; so are the missions (every
state, with positions, invitations, releases and evaluations), and the demo expert gets an
invitation to answer. Working groups (the demo expert in one), their deliverables and the
library's materials, with small real files, are made once too (materials.demo.library), and a
couple of them attached to the demo expert's confirmed mission. Running the command again keeps
them and only refreshes the demo accounts;
``--reset`` deletes the pool, every mission, every working group and material and the demo
accounts first, and empties the whole
accreditation and mission history tables (all events, not only the demo's: on PostgreSQL the
append-only triggers let nothing but TRUNCATE remove them).

It lives in the missions app, the top of the app layers, because it builds on every app.
The demo accounts share the password ``demo-password-2026`` and the staff accounts use fixed,
published TOTP secrets. They are for local demos only.
"""

import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ace_portal.accounts.roles import Role
from experts.demo import accreditation as demo_accreditation
from experts.demo import pool as demo
from experts.demo.accounts import build_demo_profile, remove_files, stored_files
from experts.enums import AccreditationState
from experts.models import (
    Expert,
)
from materials.demo import library as demo_library
from materials.enums import MaterialState
from missions.demo import missions as demo_missions
from missions.demo import preparation as demo_preparation
from missions.demo import requests as demo_requests
from missions.enums import MissionState
from missions.models import Mission

DEMO_PASSWORD = "demo-password-2026"
DEMO_EMAIL_DOMAIN = "demo.ace-portal.example"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    is_staff: bool = False
    is_superuser: bool = False
    totp_secret: str = ""  # base32; staff must use TOTP, so their secret is fixed and printed


DEMO_ACCOUNTS = [
    DemoAccount(f"expert@{DEMO_EMAIL_DOMAIN}", "Amina", "Rahmani", Role.EXPERT),
    DemoAccount(f"expert2@{DEMO_EMAIL_DOMAIN}", "Daniel", "Okoth", Role.EXPERT),
    DemoAccount(
        f"secretariat@{DEMO_EMAIL_DOMAIN}",
        "Claire",
        "Fontaine",
        Role.SECRETARIAT,
        totp_secret="ACEPORTALDEMOSECRETARIATOFFICERX",
    ),
    DemoAccount(
        f"admin@{DEMO_EMAIL_DOMAIN}",
        "Ravi",
        "Lindqvist",
        Role.ADMIN,
        is_staff=True,
        is_superuser=True,
        totp_secret="ACEPORTALDEMOADMINISTRATORKEYXYZ",
    ),
]


class Command(BaseCommand):
    help = (
        "Create a fictitious, deterministic pool of experts (with accreditations, workshops and "
        "pending requests) and the demo accounts. Accreditation dates are placed relative to "
        "today, so a seed gives the same pool on the same day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--experts", type=int, default=300, help="pool size (default 300)")
        parser.add_argument("--missions", type=int, default=60, help="demo missions (default 60)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "delete the pool, EVERY mission and the demo accounts first. This also empties "
                "the WHOLE accreditation and mission histories (every event, not only the "
                "demo's): on PostgreSQL they are append-only and only TRUNCATE can empty them. "
                "Demo databases only."
            ),
        )

    def handle(self, *, experts, missions, seed, reset, verbosity, **options):
        if getattr(settings, "PRODUCTION", False):
            # The demo accounts' password and TOTP secrets are published: never in production.
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        if experts < 0 or missions < 0:
            raise CommandError("--experts and --missions must be zero or more.")
        if not Group.objects.filter(name=Role.EXPERT).exists():
            raise CommandError("Roles are missing: run `manage.py migrate` first.")
        if reset:
            self.reset()
        logins = [self.ensure_account(account) for account in DEMO_ACCOUNTS]
        # Who the demo histories say made each change: the Secretariat officer ran the cycles,
        # the admin reviewed the rest.
        users = get_user_model().objects
        officers = (
            users.get(email=f"secretariat@{DEMO_EMAIL_DOMAIN}"),
            users.get(email=f"admin@{DEMO_EMAIL_DOMAIN}"),
        )
        existing = demo.pool_users().count()
        if existing:
            self.stdout.write(
                f"The pool already has {existing} experts; kept (pass --reset to rebuild it)."
            )
        elif experts:
            self.create_pool(experts, seed=seed, verbosity=verbosity, officers=officers)
        self.ensure_demo_accreditations(officers)
        if Mission.objects.exists():
            self.stdout.write("Missions exist already; kept (pass --reset to rebuild them).")
        elif missions and demo.pool_users().exists():
            self.create_missions(missions, seed=seed, officers=officers)
        demo_requests.create_requests(officers=officers, today=timezone.localdate())
        demo_expert = Expert.objects.filter(user__email=DEMO_ACCOUNTS[0].email).first()
        self.create_library(demo_expert, seed=seed, officers=officers)
        if demo_expert is not None and missions:  # --missions 0: no mission at all
            today = timezone.localdate()
            demo_missions.seat_demo_expert(demo_expert, officer=officers[0], today=today)
            demo_missions.invite_demo_expert(demo_expert, officer=officers[0], today=today)
            demo_preparation.attach_library_materials(demo_expert, officer=officers[0])
        self.print_logins(logins)

    def create_library(self, demo_expert, *, seed, officers):
        started = time.monotonic()
        others = Expert.objects.filter(
            user__email__in=[account.email for account in DEMO_ACCOUNTS[1:]]
        ).values_list("pk", flat=True)
        created = demo_library.seed_materials(
            officers=officers,
            today=timezone.localdate(),
            seed=seed,
            demo_expert=demo_expert,
            keep_out=list(others),
        )
        if not created:
            self.stdout.write("The library exists already; kept (pass --reset to rebuild it).")
            return
        states = ", ".join(
            f"{created.get(f'state:{state}', 0)} {state.label.lower()}" for state in MaterialState
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created['groups']} working group"
                f"{'' if created['groups'] == 1 else 's'} ({created['memberships']} "
                f"memberships, {created['deliverables']} deliverables) and "
                f"{created['materials']} materials ({states}; {created['versions']} versions) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

    def create_missions(self, count, *, seed, officers):
        started = time.monotonic()
        try:
            created = demo_missions.create_missions(
                count,
                seed=seed,
                officers=officers,
                experts=Expert.objects.filter(user__in=demo.pool_users()),
                today=timezone.localdate(),
            )
        except LookupError as error:
            self.stdout.write(f"No missions: {error}")
            return
        created |= demo_preparation.prepare_missions(seed=seed)
        states = ", ".join(
            f"{created.get(f'state:{state}', 0)} {state.label.lower()}" for state in MissionState
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count} missions in {time.monotonic() - started:.1f} s: {states}; "
                f"{created.get('assignments', 0)} assignments, "
                f"{created.get('invitations', 0)} invitations, "
                f"{created.get('evaluations', 0)} evaluations, "
                f"{created.get('logistics', 0)} checklist items, "
                f"{created.get('documents', 0)} documents."
            )
        )

    def reset(self):
        demo_users = get_user_model().objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        demo_experts = Expert.objects.filter(user__in=demo_users)
        try:
            with transaction.atomic():
                files = stored_files(demo_experts) + stored_files(
                    Expert.objects.filter(user__in=demo.pool_users())
                )
                # First, as missions refer to experts and to the demo staff accounts.
                demo_requests.delete_requests()
                demo_preparation.delete_preparation()
                missions = demo_missions.delete_missions()
                # Then the library, as groups and materials refer to experts and accounts.
                materials = demo_library.delete_library()
                # Then, as events and workshops refer to the demo staff accounts. This
                # empties the whole accreditation history (see --help).
                demo_accreditation.delete_accreditations(demo_experts)
                demo_experts.delete()
                demo_users.delete()
                deleted = demo.delete_pool()
                transaction.on_commit(lambda: remove_files(files))
        except ProtectedError as error:
            raise CommandError(
                f"Cannot reset: other rows still refer to demo experts ({error.args[0]})"
            ) from error
        self.stdout.write(
            f"Deleted {deleted} pool experts, {missions} missions, {materials} materials and "
            "every working group, the demo accounts, their accreditations and the "
            "accreditation and mission histories."
        )

    def create_pool(self, count, *, seed, verbosity, officers):
        started = time.monotonic()

        def progress(done):
            if verbosity >= 1 and (done % 20000 == 0 or done == count):
                self.stdout.write(f"  {done}/{count} experts ({time.monotonic() - started:.1f} s)")

        try:
            created = demo.create_pool(count, seed=seed, progress=progress, officers=officers)
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created {count} experts in {time.monotonic() - started:.1f} s.")
        )
        states = ", ".join(
            f"{created.get(f'state:{state}', 0)} {state.label.lower()}"
            for state in AccreditationState
        )
        self.stdout.write(
            f"  {created.get('accreditations', 0)} accreditations ({states}); "
            f"{created.get('events', 0)} history events; {created.get('workshops', 0)} workshops "
            f"with {created.get('participants', 0)} participants; "
            f"{created.get('requests', 0)} pending requests."
        )

    def ensure_demo_accreditations(self, officers):
        """The demo experts' accreditations, created once (when they have none and no request)."""
        today = timezone.localdate()
        for account in DEMO_ACCOUNTS:
            expert = Expert.objects.filter(user__email=account.email).first()
            if account.role != Role.EXPERT or expert is None:
                continue
            if expert.accreditations.exists() or expert.accreditation_requests.exists():
                continue
            demo_accreditation.demo_account_accreditations(
                expert, full=account.email.startswith("expert@"), today=today, officers=officers
            )

    @transaction.atomic
    def ensure_account(self, account: DemoAccount) -> dict:
        """Create or repair one demo account (password, role, verified email, MFA, profile)."""
        user, _ = get_user_model().objects.get_or_create(email=account.email)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.is_staff, user.is_superuser = account.is_staff, account.is_superuser
        user.is_active = True
        user.preferred_language = "en"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=account.role)])
        # Login requires a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
        EmailAddress.objects.filter(user=user).exclude(email=user.email).delete()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        login = {"account": account, "recovery_codes": []}
        if account.totp_secret:
            login["recovery_codes"] = self.ensure_mfa(user, account.totp_secret)
        if account.role == Role.EXPERT and not Expert.objects.filter(user=user).exists():
            build_demo_profile(user, full=account.email.startswith("expert@"))
        return login

    def ensure_mfa(self, user, secret: str) -> list[str]:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp and decrypt(totp.data["secret"]) != secret:
            totp.delete()
            totp = None
        if totp is None:
            TOTP.activate(user, secret)
        return RecoveryCodes.activate(user).get_unused_codes()[:3]

    def print_logins(self, logins):
        counter, elapsed = divmod(int(time.time()), mfa_settings.TOTP_PERIOD)
        remaining = mfa_settings.TOTP_PERIOD - elapsed
        out = self.stdout
        out.write("")
        out.write("=" * 78)
        out.write("DEMO LOGINS: demo only. The password and TOTP secrets below are public;")
        out.write("never create these accounts on a server reachable by others.")
        out.write(f"Password for every account: {DEMO_PASSWORD}")
        out.write("-" * 78)
        for login in logins:
            account = login["account"]
            out.write(f"{account.role:<20} {account.email}")
            if account.totp_secret:
                code = format_hotp_value(hotp_value(account.totp_secret, counter))
                out.write(f"{'':<20} TOTP secret (authenticator app): {account.totp_secret}")
                out.write(f"{'':<20} current code: {code} (valid {remaining} s more)")
                out.write(f"{'':<20} recovery codes: {' '.join(login['recovery_codes'])}")
        out.write("=" * 78)
