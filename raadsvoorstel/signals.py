"""Model-level guards that a `save()` override cannot see."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import Proposal, refuse_unless_concept


@receiver(m2m_changed, sender=Proposal.themes.through)
def refuse_theme_changes_after_concept(sender, instance, action, reverse, pk_set, **kwargs):
    """The themes are part of the frozen text, like the sections and decision points."""
    if not action.startswith("pre_"):
        return
    if reverse:
        # A theme's proposals are changed from the theme's side: check each of them.
        proposal_ids = pk_set if pk_set is not None else instance.proposals.values_list("pk", flat=True)
        for proposal_id in proposal_ids:
            refuse_unless_concept(proposal_id)
    else:
        refuse_unless_concept(instance.pk)
