"""The admin: for maintainers and for onboarding; the griffie works in its own pages.

A proposal past `concept` is shown read-only: the models refuse the change anyway,
and a form that offers it would only end in an error.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_fsm_log.admin import StateLogInline
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Amendment,
    AmendmentChange,
    Attachment,
    Attendance,
    CouncilMember,
    Decision,
    DecisionPoint,
    Meeting,
    MemberBallot,
    MemberVote,
    Municipality,
    Proposal,
    RegionalBody,
    RegionalPlan,
    Section,
    Signature,
    State,
    Theme,
    User,
    Vote,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "seats"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["voorzitter", "acting_voorzitter", "griffier", "deputy_griffier"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "municipality", "regional_body", "is_staff"]
    list_filter = ["role", "municipality", "regional_body", "is_staff"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Rol"), {"fields": ["role", "municipality", "regional_body"]}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Rol"), {"fields": ["first_name", "last_name", "role", "municipality", "regional_body"]}),
    )


class ThemeChildInline(admin.TabularInline):
    model = Theme
    fk_name = "parent"
    fields = ["name", "position", "is_pending"]
    extra = 0
    verbose_name = _("deelthema")
    verbose_name_plural = _("deelthema's")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["path", "position", "is_pending"]
    list_filter = ["is_pending"]
    search_fields = ["name", "parent__name"]
    inlines = [ThemeChildInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(RegionalBody)
class RegionalBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    filter_horizontal = ["municipalities"]


@admin.register(RegionalPlan)
class RegionalPlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "regional_body", "adoption_date"]


class FrozenAfterConceptInline(admin.StackedInline):
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.state == State.CONCEPT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class SectionInline(FrozenAfterConceptInline):
    model = Section
    fields = ["position", "heading", "body"]


class DecisionPointInline(FrozenAfterConceptInline):
    model = DecisionPoint
    fields = ["position", "text"]


class AttachmentInline(FrozenAfterConceptInline, admin.TabularInline):
    model = Attachment
    fields = ["position", "title", "file", "sha256", "size"]
    readonly_fields = ["sha256", "size"]


class ProposalStateLogInline(StateLogInline):
    verbose_name = _("statuswijziging")
    verbose_name_plural = _("statuswijzigingen")


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["number", "subject", "municipality", "date", "state"]
    list_filter = ["state", "municipality", "themes"]
    search_fields = ["number", "subject"]
    date_hierarchy = "date"
    filter_horizontal = ["themes"]
    fields = [
        "municipality",
        "number",
        "subject",
        "proposer",
        "date",
        "legal_basis",
        "themes",
        "regional_plan",
        "state",
    ]
    readonly_fields = ["state"]
    inlines = [SectionInline, DecisionPointInline, AttachmentInline, ProposalStateLogInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != State.CONCEPT:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.state == State.CONCEPT) and super().has_delete_permission(request, obj)


class MemberVoteInline(admin.TabularInline):
    model = MemberVote
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    show_change_link = True


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "meeting_date", "result", "advice", "vote_mode"]
    list_filter = ["result", "advice", "vote_mode"]
    inlines = [MemberVoteInline, AmendmentInline, SignatureInline]

    def has_change_permission(self, request, obj=None):
        # A recorded decision is the council's; the council issue brings its own screens.
        return obj is None and super().has_change_permission(request, obj)


class AmendmentChangeInline(admin.TabularInline):
    model = AmendmentChange
    extra = 0


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["title", "decision", "result"]
    inlines = [AmendmentChangeInline]


@admin.register(CouncilMember)
class CouncilMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "party", "municipality", "seated_from", "seated_until", "user"]
    list_filter = ["municipality", "party"]
    search_fields = ["name", "party"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "municipality", "place", "opened_at", "closed_at"]
    list_filter = ["municipality"]
    inlines = [AttendanceInline, AgendaItemInline]


class MemberBallotInline(admin.TabularInline):
    model = MemberBallot
    extra = 0


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    # Votes are cast and closed in the council's own screens; the admin only shows them.
    list_display = ["__str__", "status", "votes_for", "votes_against", "outcome"]
    list_filter = ["mode", "status"]
    inlines = [MemberBallotInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
