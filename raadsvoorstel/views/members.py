"""The council's members: the list, adding and importing them, editing and ending a membership."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import actions, limits, permissions
from ..forms import MemberForm, MemberImportForm
from ..models import CouncilMember
from .shared import own_municipality, run_action


def _griffie_only(request: HttpRequest, municipality) -> None:
    if not permissions.may_manage_members(request.user, municipality):
        raise PermissionDenied(_("Alleen de griffie beheert de raadsleden."))


@limits.limit_upload
@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    municipality = own_municipality(request)
    form, upload = MemberForm(), MemberImportForm()
    if request.method == "POST":
        _griffie_only(request, municipality)
        if "file" in request.FILES:
            upload = MemberImportForm(request.POST, request.FILES)
            if upload.is_valid():
                text = upload.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
                if run_action(
                    request,
                    lambda: actions.import_members(municipality, text, by=request.user),
                    _("De raadsleden zijn ingelezen."),
                ):
                    return redirect("member_list")
        else:
            form = MemberForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if run_action(
                    request,
                    lambda: actions.add_member(
                        municipality,
                        data["name"],
                        data["party"],
                        data["seated_from"],
                        data["seated_until"],
                        by=request.user,
                    ),
                    _("Het raadslid is toegevoegd."),
                ):
                    return redirect("member_list")
    members = CouncilMember.objects.filter(municipality=municipality).order_by("party", "name")
    return render(
        request,
        "meetings/members.html",
        {
            "members": members,
            "form": form,
            "upload": upload,
            "may_manage": permissions.may_manage_members(request.user, municipality),
            "municipality": municipality,
        },
    )


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a member's details, or end the membership with a last day."""
    municipality = own_municipality(request)
    _griffie_only(request, municipality)
    member = get_object_or_404(CouncilMember, pk=pk, municipality=municipality)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_action(
            request,
            lambda: actions.update_member(
                member,
                name=data["name"],
                party=data["party"],
                seated_from=data["seated_from"],
                seated_until=data["seated_until"],
                by=request.user,
            ),
            _("De gegevens van %(name)s zijn opgeslagen.") % {"name": data["name"]},
        ):
            return redirect("member_list")
    return render(request, "meetings/member_edit.html", {"member": member, "form": form})
