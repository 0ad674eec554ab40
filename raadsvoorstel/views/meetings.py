"""A meeting's pages: planning, the agenda, the attendance list and opening, arrivals and
departures, closing, the griffier's correction, and the besluitenlijst."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions, gemeentewet, pdf, permissions
from ..forms import AgendaForm, AttendanceForm, CorrectionForm, MeetingForm, PresenceForm
from ..models import Meeting
from .shared import own_municipality, pdf_response, run_action


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        permissions.visible_meetings(request.user).select_related("municipality", "continues"), pk=pk
    )


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    municipality = own_municipality(request)
    may_manage = permissions.is_griffie_of(request.user, municipality)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Alleen de griffie plant vergaderingen."))
        if form.is_valid():
            data = form.cleaned_data
            meeting = actions.schedule_meeting(
                municipality, data["starts_at"], data["place"], public=data["public"], by=request.user
            )
            messages.success(request, _("De vergadering is gepland."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": Meeting.objects.filter(municipality=municipality),
            "form": form,
            "may_manage": may_manage,
        },
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int, attendance: AttendanceForm | None = None) -> HttpResponse:
    meeting = _meeting(request, pk)
    signed = list(meeting.attendances.values_list("member_id", flat=True))
    seated = meeting.seated_members().count()
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "attendance": attendance or AttendanceForm(meeting=meeting, initial={"members": signed}),
            "presence": PresenceForm(meeting=meeting),
            "correction": CorrectionForm(),
            "agenda_form": AgendaForm(meeting=meeting),
            "items": meeting.agenda_items.select_related("proposal"),
            "present_now": meeting.present_members(),
            "presence_changes": meeting.presence_changes.select_related("member"),
            "signed": len(signed),
            "seated": seated,
            "needed": gemeentewet.more_than_half(seated),
            "has_quorum": gemeentewet.meeting_may_open(len(signed), seated, reconvened=meeting.is_reconvened),
            "may_manage": permissions.may_keep_meeting_records(request.user, meeting),
            "may_correct": permissions.may_record_paper_signing(request.user, meeting.municipality),
        },
    )


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list: tick everyone at once, save it, or save it and open in one step."""
    meeting = _meeting(request, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if "all" in request.POST:
        everyone = AttendanceForm(meeting=meeting, initial={"members": list(meeting.seated_members())})
        return meeting_detail(request, pk, attendance=everyone)
    if not form.is_valid():
        messages.error(request, _("Kies de aanwezige leden uit de lijst."))
        return redirect("meeting_detail", pk=meeting.pk)
    members = list(form.cleaned_data["members"])
    if "open" in request.POST:
        done = run_action(
            request,
            lambda: actions.open_meeting(meeting, members=members, by=request.user),
            _("De presentielijst is opgeslagen en de vergadering is geopend."),
        )
        if not done:
            # The ticks stay as they were given, beside the reason the meeting did not open.
            return meeting_detail(request, pk, attendance=form)
    else:
        run_action(
            request,
            lambda: actions.set_attendance(meeting, members, by=request.user),
            _("De presentielijst is opgeslagen."),
        )
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """A member comes in or leaves during the meeting."""
    meeting = _meeting(request, pk)
    form = PresenceForm(request.POST, meeting=meeting)
    if form.is_valid():
        member, arrived = form.cleaned_data["member"], "arrived" in request.POST
        message = _("%(name)s is binnengekomen.") if arrived else _("%(name)s is vertrokken.")
        run_action(
            request,
            lambda: actions.record_presence(meeting, member, arrived=arrived, by=request.user),
            message % {"name": member.name},
        )
    else:
        messages.error(request, _("Kies een raadslid."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    run_action(
        request, lambda: actions.close_meeting(meeting, by=request.user), _("De vergadering is gesloten.")
    )
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_correct_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The griffier corrects the attendance list of a closed meeting, with a reason."""
    meeting = _meeting(request, pk)
    attendance = AttendanceForm(request.POST, meeting=meeting)
    correction = CorrectionForm(request.POST)
    if attendance.is_valid() and correction.is_valid():
        run_action(
            request,
            lambda: actions.correct_attendance(
                meeting,
                list(attendance.cleaned_data["members"]),
                reason=correction.cleaned_data["reason"],
                by=request.user,
            ),
            _("De presentielijst is gecorrigeerd; de correctie staat in het logboek."),
        )
    else:
        messages.error(request, _("Geef de aanwezigen en de reden van de correctie."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AgendaForm(request.POST, meeting=meeting)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.put_on_agenda(meeting, form.cleaned_data["proposal"], by=request.user),
            _("Het voorstel staat op de agenda."),
        )
    else:
        messages.error(request, _("Kies een voorstel dat bij de raad ligt."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_publish_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    run_action(
        request,
        lambda: actions.publish_agenda(meeting, by=request.user),
        _("De agenda is gepubliceerd; de raadsleden hebben een melding gekregen."),
    )
    return redirect("meeting_detail", pk=meeting.pk)


# --- The besluitenlijst ---


@login_required
def besluitenlijst(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(
        request,
        "meetings/besluitenlijst.html",
        {"meeting": meeting, "items": pdf.besluitenlijst_items(meeting)},
    )


@login_required
def besluitenlijst_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not meeting.is_closed:
        messages.error(request, _("De besluitenlijst als PDF komt er zodra de vergadering is gesloten."))
        return redirect("besluitenlijst", pk=meeting.pk)
    return pdf_response(
        pdf.render_besluitenlijst(meeting),
        f"besluitenlijst-{meeting.municipality.code}-{meeting.date.isoformat()}.pdf",
    )
