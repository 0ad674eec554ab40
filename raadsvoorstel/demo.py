"""The quick start's world: Bloemendaal, the RBOP and its plan, the IMV themes, the
proposal from the seed, and one demo account per role.

Loading is idempotent: what exists is kept, so `make run` can run again and again
without losing what was done in the app.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import actions
from .interchange import parse_documents
from .models import Advice, Meeting, Municipality, Proposal, RegionalBody, Role, User
from .text import ProposalText

FIXTURES = settings.BASE_DIR / "fixtures"

# Demo only: printed by `make run` and written in the README. Never use these anywhere real.
DEMO_PASSWORD = "demo-raadsvoorstel"
DEMO_USERS = [
    # username, first name, last name, role
    ("griffie", "Sanne", "de Wit", Role.GRIFFIEMEDEWERKER),
    ("griffier", "Marieke", "Janssen", Role.GRIFFIER),
    ("voorzitter", "Pieter", "van Dam", Role.VOORZITTER),
    ("raadslid", "Fatima", "El Amrani", Role.RAADSLID),
    ("rbop", "Kees", "Visser", Role.RBOP_SECRETARIS),
]


def load_reference_data(path: Path = FIXTURES / "reference.json") -> None:
    actions.load_reference_data(json.loads(path.read_text(encoding="utf-8")))


@transaction.atomic
def create_demo_users(municipality_code: str = "GM0377", body_code: str = "rbop-noord-holland") -> list[User]:
    """One account per role; returns the ones created now."""
    municipality = Municipality.objects.get(code=municipality_code)
    body = RegionalBody.objects.get(code=body_code)
    created = []
    for username, first_name, last_name, role in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, first_name=first_name, last_name=last_name, role=role)
        if role == Role.RBOP_SECRETARIS:
            user.regional_body = body
        else:
            user.municipality = municipality
        user.set_password(DEMO_PASSWORD)
        actions.save_reference(user, by=None, changed=["username", "role", "password"])
        created.append(user)
    if not User.objects.filter(username="beheer").exists():
        user = User(username="beheer", first_name="Beheer", is_staff=True, is_superuser=True)
        user.set_password(DEMO_PASSWORD)
        actions.save_reference(user, by=None, changed=["username", "is_superuser", "password"])
        created.append(user)
    # The signatories the raadsbesluit names, where none are configured yet.
    if municipality.voorzitter_id is None or municipality.griffier_id is None:
        municipality.voorzitter = municipality.voorzitter or User.objects.get(username="voorzitter")
        municipality.griffier = municipality.griffier or User.objects.get(username="griffier")
        actions.save_reference(municipality, by=None, changed=["voorzitter", "griffier"])
    return created


def load_demo_council(code: str = "GM0377") -> tuple[int, Meeting | None]:
    """The council's members (fictional people) and one meeting to decide on, once.

    The demo raadslid's account is tied to its member, so it can vote in its own browser.
    """
    municipality = Municipality.objects.get(code=code)
    added, meeting = 0, None
    if not municipality.members.exists():
        griffie = User.objects.get(username="griffie")
        text = (FIXTURES / f"members-{code}.csv").read_text(encoding="utf-8")
        added = len(actions.import_members(municipality, text, by=griffie))
        raadslid = User.objects.filter(username="raadslid").first()
        member = municipality.members.filter(name=raadslid.get_full_name()).first() if raadslid else None
        if member is not None:
            member.user = raadslid
            actions.save_reference(member, by=None, changed=["user"])
    if not municipality.meetings.exists():
        starts_at = datetime.datetime(2023, 10, 5, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
        griffie = User.objects.get(username="griffie")
        meeting = actions.schedule_meeting(municipality, starts_at, "Raadzaal", by=griffie)
    return added, meeting


def load_demo_proposals(directory: Path = FIXTURES / "proposals") -> list[Proposal]:
    """Import each fixture proposal that is not stored yet."""
    missing = []
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        stored = Proposal.objects.filter(
            municipality__code=document["municipality"]["code"], number=document["number"]
        )
        if not stored.exists():
            missing.append((str(path.relative_to(settings.BASE_DIR)), path.read_text(encoding="utf-8")))
    imported = actions.import_proposals(parse_documents(missing)) if missing else []
    griffie = User.objects.filter(username="griffie").first()
    for proposal in imported:
        if proposal.regional_plan_id and proposal.is_concept and griffie is not None:
            # The interchange format carries no proposed advice: the griffie sets it in the
            # editor, as for any consultation. Bloemendaal proposed "geen wensen en bedenkingen".
            text = ProposalText.of(proposal)
            text.proposed_advice = Advice.NO_OBJECTIONS
            actions.update_proposal(proposal, text, version=proposal.version, by=griffie)
    return imported


def create_demo_seal(path: Path, passphrase: str, *, municipality_name: str = "Bloemendaal") -> bool:
    """A throwaway, self-signed seal certificate for the quick start, made once.

    Demo only: it proves the sealing works end to end; no one outside trusts it.
    Returns whether it was made now.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    if path.exists():
        key = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase.encode())[0]
        if isinstance(key, rsa.RSAPrivateKey):
            return False
        # An older quick start made an ECDSA demo seal, which would make the PDF version 2.0.

    # RSA, not ECDSA on a NIST curve: pyHanko declares PDF 2.0 (ISO 32002) for the latter,
    # and the sealed raadsbesluit must stay the PDF 1.7 that PDF/A-2 is built on.
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Gemeente {municipality_name}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Gemeente {municipality_name} (demo-zegel)"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"demo-seal",
            key,
            certificate,
            None,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    return True
