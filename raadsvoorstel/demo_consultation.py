"""The quick start's consultation: the IMV sent to all 32 councils of the Eenheid
Noord-Holland, as it might stand two weeks before the deadline. Bloemendaal is in concept
(the tour's own case); several councils have signed and answered, one with wensen en
bedenkingen; a few are before their council; one will meet only after the deadline.

The other councils' decisions are imported in `raadsvoorstel/1`, as an archive of
decisions taken elsewhere would be; names of people are made up. Loading is idempotent:
it runs only while the plan is still a concept.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from . import actions, pdf
from .consultation import PlanTemplate
from .interchange import parse_documents
from .models import Advice, Municipality, Proposal, RegionalPlan, Role, State, Theme, User

PLAN_CODE = "imv-nh-2024-2027"
BLOEMENDAAL_DOCUMENT = "fixtures/proposals/GM0377-2023000853.json"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")

SIGNED_WITHOUT_OBJECTIONS = ["GM0392", "GM0397", "GM0473", "GM0361", "GM0405", "GM0479"]
SIGNED_WITH_OBJECTIONS = "GM0453"
BEFORE_COUNCIL = ["GM0375", "GM0448"]
MEETS_AFTER_DEADLINE = "GM0400"
OBJECTIONS = (
    "de raad vraagt het RBOP om in het plan de aanpak van ondermijning in de havens van "
    "IJmuiden uitdrukkelijk op te nemen, met de inzet van politie en gemeente daarbij."
)
# Made-up signatories: the demo names no real person.
SIGNATORIES = [("A. de Boer", "M. Visser"), ("J. Smit", "L. Bakker"), ("P. Mulder", "S. de Jong")]


def load_demo_consultation(base_dir) -> list[str]:
    """Draft, send and advance the demo plan once; returns what it did, a line each."""
    plan = RegionalPlan.objects.filter(code=PLAN_CODE).first()
    if plan is None or not plan.is_concept:
        return []
    rbop = User.objects.get(username="rbop")
    today = timezone.localdate()
    seed = json.loads((base_dir / BLOEMENDAAL_DOCUMENT).read_text(encoding="utf-8"))
    template = template_from(seed)
    fields = actions.PlanFields(
        code=plan.code,
        title=plan.title,
        answer_deadline=today + datetime.timedelta(days=14),
        adoption_date=today + datetime.timedelta(days=28),
        adoption_meeting="RBOP Eenheid Noord-Holland, Haarlem",
        themes=_themes(seed["themes"]),
        template=template,
        document_title=f"Concept {plan.title}",
    )
    document = pdf.render(pdf.plan_document_html(plan, template.sections))
    plan = actions.update_plan(
        plan,
        fields,
        version=plan.version,
        document=SimpleUploadedFile("plan.pdf", document, content_type="application/pdf"),
        by=rbop,
    )
    done = [*_attach_plan_document(plan, document)]
    documents = []
    for index, code in enumerate([*SIGNED_WITHOUT_OBJECTIONS, SIGNED_WITH_OBJECTIONS]):
        met = today - datetime.timedelta(days=30 - 2 * index)
        advice = Advice.OBJECTIONS if code == SIGNED_WITH_OBJECTIONS else Advice.NO_OBJECTIONS
        documents.append(
            member_document(seed, template, code, State.SIGNED, met=met, advice=advice, index=index)
        )
    for code in [*BEFORE_COUNCIL, MEETS_AFTER_DEADLINE]:
        documents.append(
            member_document(seed, template, code, State.COUNCIL_ADVICE, met=None, advice="", index=0)
        )
    texts = [
        (f"demo/{doc['municipality']['code']}.json", json.dumps(doc, ensure_ascii=False)) for doc in documents
    ]
    imported = actions.import_proposals(parse_documents(texts))
    done.append(f"{len(imported)} besluiten van andere raden ingelezen.")
    for offset, code in [(5, BEFORE_COUNCIL[0]), (9, BEFORE_COUNCIL[1]), (21, MEETS_AFTER_DEADLINE)]:
        griffie = _griffie(code)
        starts_at = datetime.datetime.combine(
            today + datetime.timedelta(days=offset), datetime.time(20), AMSTERDAM
        )
        meeting = actions.schedule_meeting(griffie.municipality, starts_at, "Raadzaal", by=griffie)
        actions.put_on_agenda(
            meeting, Proposal.objects.get(municipality=griffie.municipality, regional_plan=plan), by=griffie
        )
    made = actions.send_plan(plan, version=plan.version, by=rbop)
    done.append(f"Het plan {plan.code} is verstuurd: {len(made)} raden kregen een raadsvoorstel in concept.")
    for code in [*SIGNED_WITHOUT_OBJECTIONS, SIGNED_WITH_OBJECTIONS]:
        griffie = _griffie(code)
        proposal = Proposal.objects.get(municipality=griffie.municipality, regional_plan=plan)
        actions.record_answer(
            proposal,
            sent_to=plan.regional_body.name,
            sent_on=proposal.decision.meeting_date + datetime.timedelta(days=3),
            reference=f"{code}/RBOP/{proposal.decision.meeting_date.year}-{proposal.pk:03d}",
            by=griffie,
        )
    done.append(f"{len(SIGNED_WITHOUT_OBJECTIONS) + 1} raden hebben hun antwoord verstuurd.")
    return done


def _attach_plan_document(plan: RegionalPlan, document: bytes) -> list[str]:
    """The seed lists the concept plan as the raadsvoorstel's attachment, without its file:
    the councillor must be able to open the plan they advise on. The original is not to be
    had, so the demo attaches the plan document made from the seed's own text."""
    done = []
    for proposal in Proposal.objects.filter(regional_plan=plan, state=State.CONCEPT):
        griffie = User.objects.filter(municipality=proposal.municipality, role=Role.GRIFFIEMEDEWERKER).first()
        for attachment in proposal.attachments.filter(file=""):
            if griffie is None or attachment.title != plan.document_title:
                continue
            actions.remove_attachment(attachment, by=griffie)
            upload = SimpleUploadedFile(f"{plan.code}.pdf", document, content_type="application/pdf")
            actions.add_attachment(proposal, attachment.title, upload, by=griffie)
            done.append(f"Bijlage “{attachment.title}” van {proposal.number} heeft nu een bestand.")
    return done


def template_from(seed: dict) -> PlanTemplate:
    """Bloemendaal's proposal as every council's starting point, with each council's name."""
    sections = [
        (s["heading"], s["body"]) for s in seed["sections"] if not s["heading"].startswith("Samenwerking (")
    ]
    heading, body = sections[0]
    sections[0] = (
        heading,
        "De raad van {gemeente} wordt in de gelegenheid gesteld wensen en bedenkingen kenbaar te maken "
        "over het concept (artikel 38b, tweede lid, Politiewet 2012).\n\n" + body,
    )
    return PlanTemplate(
        subject=seed["subject"],
        proposer=seed["proposer"],
        legal_basis=seed["legal_basis"],
        sections=sections,
        decision_points=seed["decision_points"],
        proposed_advice=Advice.NO_OBJECTIONS,
    )


def _themes(paths: list[str]) -> list[Theme]:
    themes = []
    for path in paths:
        parent, _, child = path.partition("/")
        theme = (
            Theme.objects.filter(name=child, parent__name=parent)
            if child
            else Theme.objects.filter(name=parent, parent=None)
        )
        themes.extend(theme[:1])
    return themes


def member_document(
    seed: dict, template: PlanTemplate, code: str, state: str, *, met, advice: str, index: int
) -> dict:
    """One council's proposal on the plan as `raadsvoorstel/1`, decided or before its council."""
    municipality = Municipality.objects.get(code=code)
    filled = template.filled_in(municipality)
    points = list(filled.decision_points)
    if advice == Advice.OBJECTIONS:
        points[-1] = f"de burgemeester te berichten dat {OBJECTIONS}"
    proposed = (met or timezone.localdate()) - datetime.timedelta(days=21)
    document = {
        "format": "raadsvoorstel/1",
        "municipality": {"code": municipality.code, "name": municipality.name},
        "number": f"{proposed.year}-{code[2:]}-IMV",
        "subject": filled.subject,
        "proposer": filled.proposer,
        "date": proposed.isoformat(),
        "legal_basis": filled.legal_basis,
        "sections": [{"heading": h, "body": b} for h, b in filled.sections],
        "decision_points": points,
        "themes": seed["themes"],
        "regional_plan": PLAN_CODE,
        "attachments": [],
        "state": state,
        "decision": None,
    }
    if state == State.SIGNED:
        seats = municipality.seats
        voorzitter, griffier = SIGNATORIES[index % len(SIGNATORIES)]
        signed = (met + datetime.timedelta(days=1)).isoformat()
        document["decision"] = {
            "meeting_date": met.isoformat(),
            "result": "aangenomen",
            "advice": advice,
            "advice_text": OBJECTIONS if advice == Advice.OBJECTIONS else "",
            "vote": {"mode": "handopsteking", "for": seats - 3, "against": 2},
            "amendments": [],
            "signatures": [
                {"role": "voorzitter", "name": voorzitter, "date": signed},
                {"role": "griffier", "name": griffier, "date": signed},
            ],
        }
    return document


def _griffie(code: str) -> User:
    """The demo griffier of a council in the consultation (password as every demo account)."""
    from .demo import DEMO_PASSWORD

    municipality = Municipality.objects.get(code=code)
    username = f"griffie-{slugify(municipality.name)}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name="Griffier",
            last_name=municipality.name,
            role=Role.GRIFFIER,
            municipality=municipality,
        )
        user.set_password(DEMO_PASSWORD)
        actions.save_reference(user, by=None, changed=["username", "role", "password"])
    return user
