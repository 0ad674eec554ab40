"""The admin: for maintainers, to onboard municipalities, people, themes and regional bodies.

It is never a second write path. The council's record (proposals, decisions, signatures,
the archive, meetings, votes, ballots) and every history are shown read-only: they change
only through the griffie's own pages, whose actions check the workflow. The reference data
the admin does change is saved by `actions.save_reference` and `actions.delete_reference`,
each with its audit entry; a refusal comes back as a message, never an error page.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_fsm_log.admin import StateLogInline
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from . import actions
from .models import (
    AgendaItem,
    Amendment,
    AmendmentChange,
    ArchivedDecision,
    Attachment,
    Attendance,
    AuditEntry,
    CouncilMember,
    Decision,
    DecisionPoint,
    District,
    Meeting,
    MemberBallot,
    MemberVote,
    Municipality,
    PlanAdoption,
    PlanAnswer,
    Proposal,
    RegionalBody,
    RegionalPlan,
    Revision,
    Section,
    Signature,
    State,
    Theme,
    User,
    Vote,
    WorkflowError,
)

# Groups play no part here: roles are on the user. Left in, they would be writable around the log.
admin.site.unregister(Group)


def _refusal_message(refusal: Exception) -> str:
    """The refusal in the maintainer's words; the database's own guards speak Dutch already."""
    if isinstance(refusal, IntegrityError):
        return _("De database weigert deze wijziging: %(reason)s") % {"reason": str(refusal).splitlines()[0]}
    return str(refusal)


# Django names a field without a verbose_name after its attribute, in English ("proposal");
# most of our foreign keys have none. The admin shows these by their Dutch names instead.
FIELD_LABELS = {
    "agenda_item": _("agendapunt"),
    "amendment": _("amendement"),
    "decision": _("besluit"),
    "entered_by": _("ingevoerd door"),
    "meeting": _("vergadering"),
    "member": _("raadslid"),
    "motion": _("motie"),
    "present_members": _("aanwezige leden"),
    "proposal": _("raadsvoorstel"),
    "recorded_by": _("vastgelegd door"),
}


class DutchLabelsForm(forms.ModelForm):
    """The form of the read-only pages: the admin labels a field on a change page, and heads
    an inline's column, by the form's Meta.labels before its verbose_name."""

    class Meta:
        labels = FIELD_LABELS


def column(field: str):
    """A list column for one of the fields above: list pages do not read the form's labels."""

    @admin.display(description=FIELD_LABELS[field], ordering=field)
    def value(obj):
        return getattr(obj, field)

    value.__name__ = field
    return value


class ReadOnlyMixin:
    """Shown, never changed here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    form = DutchLabelsForm


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    form = DutchLabelsForm
    extra = 0


class ReadOnlyStackedInline(ReadOnlyMixin, admin.StackedInline):
    form = DutchLabelsForm
    extra = 0


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through the reference actions, in one transaction with their audit
    entry; a refusal is shown as a message on the page the maintainer came from."""

    actions = None  # no bulk delete around delete_reference

    def save_model(self, request, obj, form, change) -> None:
        # Saved in save_related, together with its relations and its audit entry.
        pass

    def save_related(self, request, form, formsets, change) -> None:
        actions.save_reference(
            form.instance,
            by=request.user,
            changed=form.changed_data,
            then=lambda: super(AuditedAdmin, self).save_related(request, form, formsets, change),
        )

    def delete_model(self, request, obj) -> None:
        actions.delete_reference(obj, by=request.user)

    def _refusal_shown(self, request, view, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (WorkflowError, PermissionDenied, IntegrityError) as refusal:
            self.message_user(request, _refusal_message(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def changeform_view(self, request, *args, **kwargs):
        return self._refusal_shown(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (WorkflowError, PermissionDenied, IntegrityError) as refusal:
            self.message_user(request, _refusal_message(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path.removesuffix("delete/"))


# --- Reference data: changed here, through the actions ---


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ["name", "code", "seats"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["voorzitter", "acting_voorzitter", "griffier", "deputy_griffier"]


# Django stores the default permissions' names in English ("Can add thema"); these say them in Dutch.
PERMISSION_NAMES = {
    "add": _("Kan %(model)s toevoegen"),
    "change": _("Kan %(model)s wijzigen"),
    "delete": _("Kan %(model)s verwijderen"),
    "view": _("Kan %(model)s bekijken"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.partition("_")[0]
    if (
        model is None
        or action not in PERMISSION_NAMES
        or permission.codename != f"{action}_{model._meta.model_name}"
    ):
        return str(permission)
    # django-simple-history names its models "historical …" without gettext.
    original = getattr(model, "instance_type", None)
    if original is not None and model._meta.model_name == f"historical{original._meta.model_name}":
        name = _("geschiedenis van %(model)s") % {"model": original._meta.verbose_name}
    else:
        name = model._meta.verbose_name
    return f"{model._meta.app_config.verbose_name} | {PERMISSION_NAMES[action] % {'model': name}}"


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "municipality", "regional_body", "is_active"]
    list_filter = ["role", "municipality", "regional_body", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Rol"), {"fields": ["role", "municipality", "regional_body"]}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Rol"), {"fields": ["first_name", "last_name", "role", "municipality", "regional_body"]}),
    )

    @admin.display(description=_("naam"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions":
            field.label_from_instance = permission_label
        return field

    def user_change_password(self, request, id, form_url=""):
        """Django's own password form, with its audit entry in the same transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                actions.save_reference(user, by=request.user, changed=["password"])
        return response


class ThemeChildInline(ReadOnlyTabularInline):
    """Shown here; each sub-theme is added and changed on its own page, with its own entry."""

    model = Theme
    fk_name = "parent"
    fields = ["name", "position", "is_pending"]
    show_change_link = True
    verbose_name = _("deelthema")
    verbose_name_plural = _("deelthema's")


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["theme_path", "position", "is_pending"]
    list_filter = ["is_pending"]
    search_fields = ["name", "parent__name"]
    inlines = [ThemeChildInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    @admin.display(description=_("thema"))
    def theme_path(self, theme: Theme) -> str:
        return theme.path


class DistrictInline(ReadOnlyTabularInline):
    model = District
    fields = ["name"]


@admin.register(RegionalBody)
class RegionalBodyAdmin(AuditedAdmin):
    list_display = ["name", "code"]
    filter_horizontal = ["municipalities"]
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["name", "regional_body"]
    list_filter = ["regional_body"]
    filter_horizontal = ["municipalities"]


# The RBOP-secretaris drafts, sends and adopts plans in the pages, where each step is an action.
@admin.register(RegionalPlan)
class RegionalPlanAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "regional_body", "state", "answer_deadline", "adoption_date"]
    list_filter = ["regional_body", "state"]


@admin.register(PlanAnswer)
class PlanAnswerAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "plan", "sent_on", "reference"]
    list_filter = ["plan"]


@admin.register(PlanAdoption)
class PlanAdoptionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "adopted_on", "meeting", "legal_ground"]


@admin.register(CouncilMember)
class CouncilMemberAdmin(AuditedAdmin):
    list_display = ["name", "party", "municipality", "seated_from", "seated_until", "user"]
    list_filter = ["municipality", "party"]
    search_fields = ["name", "party"]


# --- The council's record: shown, never changed here ---


class SectionInline(ReadOnlyStackedInline):
    model = Section
    fields = ["position", "heading", "body"]


class DecisionPointInline(ReadOnlyStackedInline):
    model = DecisionPoint
    fields = ["position", "text"]


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = ["position", "title", "sha256", "size"]


class ProposalStateLogInline(ReadOnlyMixin, StateLogInline):
    """The transitions as the proposal's history page shows them: django-fsm-log heads its
    columns in English and names the states by their codes."""

    verbose_name = _("statuswijziging")
    verbose_name_plural = _("statuswijzigingen")
    fields = ["at", "by_whom", "from_state", "to_state", "reason"]

    # A readonly method's value is shown as its str(), so each says itself how it reads.
    @admin.display(description=_("tijdstip"))
    def at(self, entry) -> str:
        return date_format(timezone.localtime(entry.timestamp), "DATETIME_FORMAT")

    @admin.display(description=_("door"))
    def by_whom(self, entry) -> str:
        return str(entry.by) if entry.by else self.get_empty_value_display()

    @admin.display(description=_("van"))
    def from_state(self, entry) -> str:
        return dict(State.choices).get(entry.source_state, entry.source_state)

    @admin.display(description=_("naar"))
    def to_state(self, entry) -> str:
        return dict(State.choices).get(entry.state, entry.state)

    @admin.display(description=_("reden"))
    def reason(self, entry) -> str:
        return entry.description or self.get_empty_value_display()


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Proposals are drafted, sent and decided in the griffie's pages, which keep their
    versions, revisions and history; here they are only read."""

    list_display = ["number", "subject", "municipality", "date", "state", "version"]
    list_filter = ["state", "municipality", "themes"]
    search_fields = ["number", "subject"]
    date_hierarchy = "date"
    fields = [
        "municipality",
        "number",
        "subject",
        "proposer",
        "date",
        "legal_basis_list",
        "themes",
        "regional_plan",
        "state",
        "version",
    ]
    readonly_fields = ["legal_basis_list"]
    inlines = [SectionInline, DecisionPointInline, AttachmentInline, ProposalStateLogInline]

    @admin.display(description=_("gelet op"))
    def legal_basis_list(self, proposal: Proposal):
        """One provision per line, as the raadsbesluit cites them, not the stored JSON list."""
        if not proposal.legal_basis:
            return self.get_empty_value_display()
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in proposal.legal_basis))
        )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "saved_at", "saved_by"]
    list_filter = ["proposal__municipality"]


class MemberVoteInline(ReadOnlyTabularInline):
    model = MemberVote


class AmendmentInline(ReadOnlyTabularInline):
    model = Amendment
    show_change_link = True


class SignatureInline(ReadOnlyTabularInline):
    model = Signature


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [column("proposal"), "meeting_date", "result", "advice", "vote_mode"]
    list_filter = ["result", "advice", "vote_mode"]
    inlines = [MemberVoteInline, AmendmentInline, SignatureInline]


class AmendmentChangeInline(ReadOnlyTabularInline):
    model = AmendmentChange


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["title", column("decision"), "result"]
    inlines = [AmendmentChangeInline]


@admin.register(ArchivedDecision)
class ArchivedDecisionAdmin(ReadOnlyAdmin):
    list_display = [column("proposal"), "sha256", "size", "sealed", "created_at"]
    list_filter = ["sealed"]


class AttendanceInline(ReadOnlyTabularInline):
    model = Attendance


class AgendaItemInline(ReadOnlyTabularInline):
    model = AgendaItem
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "municipality", "place", "opened_at", "closed_at"]
    list_filter = ["municipality"]
    inlines = [AttendanceInline, AgendaItemInline]


class MemberBallotInline(ReadOnlyTabularInline):
    model = MemberBallot


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "votes_for", "votes_against", "outcome"]
    list_filter = ["mode", "status"]
    inlines = [MemberBallotInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_key", "digest"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_key", "actor_name", "action"]


# --- Background tasks: django-tasks-db's admin, in Dutch ---

# Its app is named in English, outside gettext; the admin's index and the permissions show the name.
apps.get_app_config("django_tasks_database").verbose_name = _("Achtergrondtaken")
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's own admin; its fields' names come from our catalogue (locale/nl), the
    columns it describes itself are described here again."""

    list_display = [
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    ]

    @admin.display(description=_("taak"))
    def task(self, result: DBTaskResult) -> str:
        return result.task_name

    @admin.display(description=_("foutmelding"))
    def formatted_traceback(self, result: DBTaskResult) -> str:
        return super().formatted_traceback(result)

    @admin.display(description=_("niet uitvoeren vóór"))
    def display_run_after(self, result: DBTaskResult):
        return super().display_run_after(result)
