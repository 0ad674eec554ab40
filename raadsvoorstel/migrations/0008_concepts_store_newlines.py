"""Concepts saved from a browser kept its CRLF line endings; from now on every input path
stores `\\n`. This brings the concepts already stored in line. Text past concept is left
exactly as it was: it is the council's (and the guards refuse to touch it anyway)."""

from django.db import migrations


def plain(value):
    return value.replace("\r\n", "\n").replace("\r", "\n")


def normalise_concepts(apps, schema_editor):
    Proposal = apps.get_model("raadsvoorstel", "Proposal")
    Section = apps.get_model("raadsvoorstel", "Section")
    DecisionPoint = apps.get_model("raadsvoorstel", "DecisionPoint")
    for proposal in Proposal.objects.filter(state="concept"):
        legal_basis = [plain(clause) for clause in proposal.legal_basis]
        if plain(proposal.subject) != proposal.subject or legal_basis != proposal.legal_basis:
            Proposal.objects.filter(pk=proposal.pk).update(subject=plain(proposal.subject), legal_basis=legal_basis)
    for section in Section.objects.filter(proposal__state="concept"):
        if "\r" in section.heading or "\r" in section.body:
            Section.objects.filter(pk=section.pk).update(heading=plain(section.heading), body=plain(section.body))
    for point in DecisionPoint.objects.filter(proposal__state="concept", text__contains="\r"):
        DecisionPoint.objects.filter(pk=point.pk).update(text=plain(point.text))


class Migration(migrations.Migration):
    dependencies = [("raadsvoorstel", "0007_audit_log_and_guards")]

    operations = [migrations.RunPython(normalise_concepts, migrations.RunPython.noop)]
