"""The browser tests' own fixtures: a signed proposal stays final in the test and is flushed after."""

import pytest
from django.db import IntegrityError

from raadsvoorstel.models import Proposal
from tests.conftest import with_state

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("run", ["first", "second"])
def test_a_signed_proposal_is_final_during_the_test_and_gone_after_it(
    run, import_document, bloemendaal_document, decision_document
):
    assert not Proposal.objects.exists()  # the first run's proposal was flushed, triggers and all
    decision_document["signatures"] = [
        {"role": "voorzitter", "name": "Pieter van Dam", "date": "2023-10-06"},
        {"role": "griffier", "name": "Marieke Janssen", "date": "2023-10-06"},
    ]
    signed = import_document(with_state(bloemendaal_document, "signed", decision_document))

    with pytest.raises(IntegrityError, match="verandert nooit"):
        Proposal.objects.filter(pk=signed.pk).update(subject="Anders")
