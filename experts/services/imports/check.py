# Over 500 lines: the check and the apply share the row decisions they must agree on.
"""Importing experts from a spreadsheet: check every row, show the officer what would happen,
then apply it all in one transaction.

States (``ImportState``): checking -> ready -> applying -> applied, with invalid (the file as a
whole is refused), failed (applying stopped; nothing was written) and cancelled. Checking and
applying run as Celery tasks; their progress is kept in the cache for the page's progress bar.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ace_portal.accounts.roles import Role
from ace_portal.accounts.services import invite_user
from ace_portal.celery import registered_task
from experts.enums import ImportRowAction, ImportState, Proficiency
from experts.models import (
    Expert,
    ExpertImport,
    ExpertImportRow,
    Expertise,
    ExpertLanguage,
)
from experts.services import profile as services
from experts.services.duplicates import NameIndex, name_key
from experts.services.imports import files as import_files
from experts.services.imports import rows as import_rows

log = logging.getLogger(__name__)

BATCH = 500
PROGRESS_TIMEOUT = 6 * 3600


class ImportRefused(Exception):
    """Applying was refused or stopped; ``str(error)`` is the message for the officer."""


# --- Progress ---------------------------------------------------------------------------------


def _progress_key(pk: int) -> str:
    return f"expert-import:{pk}:progress"


def set_progress(pk: int, done: int, total: int) -> None:
    cache.set(_progress_key(pk), (done, total), PROGRESS_TIMEOUT)


def progress(expert_import: ExpertImport) -> tuple[int, int]:
    """(rows done, rows in all) of the running step; (0, 0) before the first report."""
    return cache.get(_progress_key(expert_import.pk)) or (0, 0)


# --- Checking the file ------------------------------------------------------------------------


def upload(*, content: bytes, name: str, update_existing: bool, by) -> ExpertImport:
    """Keep an uploaded file and queue its check. Raises ImportFileError for a file that is
    empty or too large (nothing is kept then)."""
    import_files.check_size(len(content))
    with transaction.atomic():
        expert_import = ExpertImport.objects.create(
            content=content,
            original_name=name[:200],
            size=len(content),
            update_existing=update_existing,
            created_by=by,
        )
        transaction.on_commit(
            lambda: _queue("check_import", expert_import.pk, ImportState.CHECKING)
        )
    return expert_import


# The state a step leaves its import in when it cannot even start.
UNREACHABLE = {ImportState.CHECKING: ImportState.INVALID, ImportState.APPLYING: ImportState.FAILED}


def _queue(task_name: str, pk: int, running: str) -> None:
    """Hand a step to a worker; when the broker cannot be reached, say so on the import instead
    of failing the officer's request (nothing has been written by the step yet)."""
    try:
        registered_task(f"experts.{task_name}").delay(pk)
    except Exception:  # kombu raises several kinds; any of them means "not queued"
        log.exception("Could not queue %s for import %s", task_name, pk)
        # Only while the step has not run: with tasks run inline (local, tests) its own errors
        # arrive here too, after it recorded what happened (or after it applied everything).
        ExpertImport.objects.filter(pk=pk, state=running).update(
            state=UNREACHABLE[running],
            error=_("The background worker could not be reached. Nothing was written; try again."),
        )


def check_safely(pk: int) -> None:
    """``check``, but an unexpected error leaves the import refused with a message instead of
    "checking" for ever; the error itself goes to the log."""
    try:
        check(pk)
    except Exception:
        ExpertImport.objects.filter(pk=pk, state=ImportState.CHECKING).update(
            state=ImportState.INVALID,
            error=_("The file could not be checked because of an error on our side."),
            content=None,
        )
        raise


def check(pk: int) -> None:
    """Read the import's file and record, row by row, what applying it would do. The reasons
    are written in the language of the officer who uploaded the file."""
    expert_import = ExpertImport.objects.select_related("created_by").get(pk=pk)
    if expert_import.state != ImportState.CHECKING:
        return
    with translation.override(expert_import.created_by.preferred_language):
        _check(expert_import)


def _check(expert_import: ExpertImport) -> None:
    pk = expert_import.pk
    try:
        table = import_files.read_table(bytes(expert_import.content))
    except import_files.ImportFileError as error:
        ExpertImport.objects.filter(pk=pk).update(
            state=ImportState.INVALID, error=str(error), content=None
        )
        return
    total = len(table.rows)
    set_progress(pk, 0, total)
    reference = import_rows.Reference.load()
    checked = []  # (line, cells, values or None, problems)
    for index, (line, cells) in enumerate(table.rows, 1):
        form = import_rows.ImportRowForm(cells, reference=reference)
        if form.is_valid():
            checked.append((line, cells, import_rows.row_values(form, cells), []))
        else:
            checked.append((line, cells, None, import_rows.row_problems(form)))
        if index % BATCH == 0:
            set_progress(pk, index, total)
    rows = _decide(expert_import, checked, reference)
    with transaction.atomic():
        ExpertImportRow.objects.filter(expert_import_id=pk).delete()
        ExpertImportRow.objects.bulk_create(rows, batch_size=1000)
        ExpertImport.objects.filter(pk=pk, state=ImportState.CHECKING).update(
            state=ImportState.READY, total_rows=total, ignored_columns=table.ignored
        )
    set_progress(pk, total, total)


def _decide(expert_import, checked, reference) -> list[ExpertImportRow]:
    """Turn checked rows into actions: duplicates within the file and against the roster."""
    emails = {values["email"] for _line, _cells, values, _p in checked if values}
    existing = _existing_accounts(emails)
    experts = Expert.objects.in_bulk(
        [expert_pk for _user, expert_pk in existing.values() if expert_pk]
    )
    current = _current_related([expert_pk for _user, expert_pk in existing.values() if expert_pk])
    names = NameIndex(values["home_administration_id"] for _l, _c, values, _p in checked if values)
    first_line_of_email = {}
    rows = []
    for line, cells, values, problems in checked:
        row = ExpertImportRow(
            expert_import=expert_import, line=line, cells=cells, values=values or {}
        )
        rows.append(row)
        if problems:
            row.action, row.problems = ImportRowAction.REJECT, problems
            continue
        email = values["email"]
        if email in first_line_of_email:
            row.action = ImportRowAction.REJECT
            row.problems = [
                _("The same email is on row %(line)s.") % {"line": first_line_of_email[email]}
            ]
            continue
        first_line_of_email[email] = line
        if email in existing:
            _user_pk, expert_pk = existing[email]
            if expert_pk is None:
                row.action = ImportRowAction.REJECT
                row.problems = [_("This email belongs to a portal account that is not an expert.")]
            elif expert_import.update_existing:
                row.expert_id = expert_pk
                row.changes = _changes(experts[expert_pk], current[expert_pk], values, reference)
                row.action = ImportRowAction.UPDATE if row.changes else ImportRowAction.UNCHANGED
            else:
                row.action, row.expert_id = ImportRowAction.DUPLICATE, expert_pk
                row.values["same_email"] = True
                row.problems = [_("An expert with this email is already registered.")]
            continue
        key = name_key(values["given_names"], values["family_name"])
        group = (values["home_administration_id"], values.get("date_of_birth"))
        matches = names.matches(*group, key)
        if matches:
            row.action = ImportRowAction.DUPLICATE
            row.problems = [_duplicate_reason(matches[0])]
            if not isinstance(matches[0].reference, str):
                row.expert_id = matches[0].reference
        else:
            row.action = ImportRowAction.CREATE
        names.add(*group, key, f"row:{line}", "")
    return rows


def _duplicate_reason(match) -> str:
    within_file = isinstance(match.reference, str)
    where = {"line": str(match.reference).removeprefix("row:"), "name": match.label}
    if match.same_birth_date and within_file:
        text = _("Very similar name, same administration and date of birth as row %(line)s.")
    elif match.same_birth_date:
        text = _(
            "Very similar name, same administration and date of birth as %(name)s, already on "
            "the roster."
        )
    elif within_file:
        text = _(
            "Same name and administration as row %(line)s, with no date of birth to tell them "
            "apart."
        )
    else:
        text = _(
            "Same name and administration as %(name)s, already on the roster, and no date of "
            "birth to tell them apart."
        )
    return text % where


def _existing_accounts(emails) -> dict[str, tuple[int, int | None]]:
    """email -> (user pk, expert pk or None) for the accounts that already use these emails."""
    found = {}
    emails = list(emails)
    for start in range(0, len(emails), 5000):
        users = (
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails[start : start + 5000])
            .values_list("email_lower", "pk", "expert__pk")
        )
        for email, user_pk, expert_pk in users:
            found[email] = (user_pk, expert_pk)
    return found


def _current_related(expert_pks) -> dict[int, dict]:
    current = {pk: {"languages": {}, "areas": {}} for pk in expert_pks}
    for expert_pk, language, level in ExpertLanguage.objects.filter(
        expert_id__in=expert_pks
    ).values_list("expert_id", "language_id", "proficiency"):
        current[expert_pk]["languages"][language] = level
    for expert_pk, area in Expertise.objects.filter(expert_id__in=expert_pks).values_list(
        "expert_id", "area_id"
    ):
        current[expert_pk]["areas"][area] = True
    return current


def _changes(expert, related, values, reference) -> dict[str, list[str]]:
    """field -> [now, after] for what an update would change (empty cells change nothing)."""
    changes = {}
    for name in import_rows.EXPERT_FIELDS:
        if name not in values:
            continue
        now = getattr(expert, name)
        if name == "phone":  # shown in the INTERNATIONAL format, kept by the import as E.164
            now = now.as_e164 if now else ""
        now = now.isoformat() if hasattr(now, "isoformat") else now
        now = "" if now is None else str(now)
        if now != str(values[name]):
            changes[name] = [now, str(values[name])]
    # The preview names the administration as the file does (its code), not by its key.
    if "home_administration_id" in changes:
        codes = reference.administration_codes
        changes["administration"] = [
            codes.get(expert.home_administration_id, ""),
            codes[values["home_administration_id"]],
        ]
        del changes["home_administration_id"]
    languages = [
        f"{reference.language_codes[language]}:{Proficiency(level).name}"
        for language, level in values.get("languages", [])
        if related["languages"].get(language, 0) < level
    ]
    if languages:
        changes["languages"] = ["", ", ".join(languages)]
    areas = [
        reference.area_codes[area]
        for area, _years in values.get("areas", [])
        if area not in related["areas"]
    ]
    if areas:
        changes["areas"] = ["", ", ".join(areas)]
    return changes


# --- Confirming and applying ------------------------------------------------------------------


def start_applying(
    expert_import: ExpertImport, *, by, send_invitations: bool, create_duplicates: bool, base_url
) -> bool:
    """The officer confirms a checked import; False when it is no longer waiting for that (it
    was applied or cancelled meanwhile, e.g. by a second click)."""
    started = ExpertImport.objects.filter(pk=expert_import.pk, state=ImportState.READY).update(
        state=ImportState.APPLYING,
        send_invitations=send_invitations,
        create_duplicates=create_duplicates,
        applied_by=by,
        base_url=base_url,
    )
    if started:
        transaction.on_commit(
            lambda: _queue("apply_import", expert_import.pk, ImportState.APPLYING)
        )
    return bool(started)


def cancel(expert_import: ExpertImport) -> bool:
    """Drop a checked import that was not applied; its file and rows are deleted."""
    with transaction.atomic():
        cancelled = ExpertImport.objects.filter(
            pk=expert_import.pk, state__in=[ImportState.READY, ImportState.INVALID]
        ).update(state=ImportState.CANCELLED, content=None)
        if cancelled:
            ExpertImportRow.objects.filter(expert_import_id=expert_import.pk).delete()
    return bool(cancelled)


def apply(pk: int) -> None:
    """Write every accepted row in one transaction, or nothing at all (state ``failed``, with a
    message in the language of the officer who confirmed)."""
    language = (
        ExpertImport.objects.filter(pk=pk)
        .values_list("applied_by__preferred_language", flat=True)
        .first()
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        _apply_or_fail(pk)


def _apply_or_fail(pk: int) -> None:
    try:
        with transaction.atomic():
            expert_import = ExpertImport.objects.select_for_update().get(pk=pk)
            if expert_import.state != ImportState.APPLYING:
                return  # applied already (a redelivered task) or cancelled
            created, updated = _apply(expert_import)
            ExpertImport.objects.filter(pk=pk).update(
                state=ImportState.APPLIED,
                created_count=created,
                updated_count=updated,
                applied_at=timezone.now(),
                content=None,
            )
            _keep_only_the_record(pk)
    except (ImportRefused, IntegrityError) as error:
        message = str(error) if isinstance(error, ImportRefused) else _conflict_message()
        _fail(pk, message)
        log.warning("Import %s failed and was rolled back: %s", pk, error)
    except Exception:
        # Rolled back too; without this the page would show "applying" for ever.
        _fail(
            pk,
            _(
                "The import could not be applied because of an error on our side. "
                "Nothing was written."
            ),
        )
        raise


def _fail(pk: int, message: str) -> None:
    # The file goes as well: the message asks for a fresh upload, and it holds personal data.
    with transaction.atomic():
        failed = ExpertImport.objects.filter(pk=pk, state=ImportState.APPLYING).update(
            state=ImportState.FAILED, error=message, content=None
        )
        if failed:
            _keep_only_the_record(pk)


# What an import keeps of each row once it is over: who the row was, what it did and why.
RECORD_CELLS = ("email", "given_names", "family_name")


def _keep_only_the_record(pk: int) -> None:
    """Drop the personal data an ended import no longer needs (birth dates, phones, passports
    of people who may never have been imported); the experts' profiles hold what was applied.
    Changes keep the names of the fields that changed, not their values."""
    rows = list(ExpertImportRow.objects.filter(expert_import_id=pk).only("cells", "changes"))
    for row in rows:
        row.cells = {name: row.cells.get(name, "") for name in RECORD_CELLS}
        row.values = {}
        row.changes = {name: ["", ""] for name in row.changes}
    ExpertImportRow.objects.bulk_update(rows, ["cells", "values", "changes"], batch_size=1000)


def _conflict_message() -> str:
    return _(
        "The roster changed while the import was being applied (an email was registered "
        "meanwhile). Nothing was written; upload the file again to check it afresh."
    )


def _apply(expert_import: ExpertImport) -> tuple[int, int]:
    actions = [ImportRowAction.CREATE, ImportRowAction.UPDATE]
    if expert_import.create_duplicates:
        actions.append(ImportRowAction.DUPLICATE)
    rows = [
        row
        for row in expert_import.rows.filter(action__in=actions).only(
            "line", "action", "values", "expert_id"
        )
        if not row.values.get("same_email")
    ]
    to_create = [row for row in rows if row.action != ImportRowAction.UPDATE]
    to_update = [row for row in rows if row.action == ImportRowAction.UPDATE]
    taken = _existing_accounts(row.values["email"] for row in to_create)
    if taken:
        raise ImportRefused(_conflict_message())
    # The bar counts rows written, then rows whose completeness and search were refreshed, then
    # activation emails queued.
    invitations = len(to_create) if expert_import.send_invitations else 0
    total, done = 2 * len(rows) + invitations, 0
    set_progress(expert_import.pk, 0, total)
    experts = []
    for start in range(0, len(to_create), BATCH):
        experts += _create_experts(expert_import, to_create[start : start + BATCH])
        done += len(to_create[start : start + BATCH])
        set_progress(expert_import.pk, done, total)
    for row in to_update:
        _update_expert(row)
        done += 1
        if done % BATCH == 0:
            set_progress(expert_import.pk, done, total)
    touched = [expert.pk for expert in experts] + [row.expert_id for row in to_update]
    for start in range(0, len(touched), BATCH):
        services.refresh_derived(touched[start : start + BATCH])
        done += len(touched[start : start + BATCH])
        set_progress(expert_import.pk, done, total)
    for expert in experts if invitations else []:
        invite_user(expert.user, by=expert_import.applied_by, base_url=expert_import.base_url)
        done += 1
        if done % 100 == 0:
            set_progress(expert_import.pk, done, total)
    set_progress(expert_import.pk, total, total)
    return len(to_create), len(to_update)


def _create_experts(expert_import, rows) -> list[Expert]:
    User = get_user_model()
    users = []
    for row in rows:
        user = User(email=row.values["email"], preferred_language=row.values["preferred_language"])
        # Unusable until the expert activates the account (as for experts registered by hand).
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH)
    group = Group.objects.get(name=Role.EXPERT)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users],
        batch_size=BATCH,
    )
    now = timezone.now()
    experts = [
        Expert(
            user=user,
            created_by=expert_import.applied_by,
            created_at=now,
            **{name: row.values[name] for name in import_rows.EXPERT_FIELDS if name in row.values},
        )
        for user, row in zip(users, rows, strict=True)
    ]
    Expert.objects.bulk_create(experts, batch_size=BATCH)
    languages, expertise = [], []
    for expert, row in zip(experts, rows, strict=True):
        languages += [
            ExpertLanguage(expert=expert, language_id=language, proficiency=level)
            for language, level in row.values.get("languages", [])
        ]
        expertise += [
            Expertise(expert=expert, area_id=area, years=years)
            for area, years in row.values.get("areas", [])
        ]
    ExpertLanguage.objects.bulk_create(languages, batch_size=1000)
    Expertise.objects.bulk_create(expertise, batch_size=1000)
    return experts


def _update_expert(row) -> None:
    expert = Expert.objects.filter(pk=row.expert_id).first()
    if expert is None:  # removed or merged into another record since the check
        raise ImportRefused(_conflict_message())
    fields = [name for name in import_rows.EXPERT_FIELDS if name in row.values]
    for name in fields:
        setattr(expert, name, row.values[name])
    expert.save(update_fields=[*fields, "updated_at"])
    for language, level in row.values.get("languages", []):
        entry, created = ExpertLanguage.objects.get_or_create(
            expert=expert, language_id=language, defaults={"proficiency": level}
        )
        if not created and entry.proficiency < level:  # an import never lowers a level
            entry.proficiency = level
            entry.save(update_fields=["proficiency"])
    for area, years in row.values.get("areas", []):
        Expertise.objects.get_or_create(expert=expert, area_id=area, defaults={"years": years})
