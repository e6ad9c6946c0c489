"""Dealtracker's models, one module per aggregate, re-exported here."""

from deals.models.claims import Claim
from deals.models.computed import Cycle, ParticipationFigures, Position, RoundFigures
from deals.models.estimates import EstimateField, EstimateModel
from deals.models.follow import (
    EmailAlert,
    Event,
    EventOrganization,
    EventReceipt,
    Follow,
    FollowerSettings,
    SavedSearch,
    SavedSearchEvent,
    Webhook,
    WebhookDelivery,
)
from deals.models.fx import FxRate
from deals.models.jobs import DirtyTarget, Job, WorkerHeartbeat
from deals.models.metrics import Metric
from deals.models.organizations import Organization
from deals.models.relationships import Relationship
from deals.models.rounds import Condition, FundingRound, Participation, RoundStatusChange
from deals.models.sources import Citation, Source

__all__ = [
    "Citation",
    "Claim",
    "Condition",
    "Cycle",
    "DirtyTarget",
    "EmailAlert",
    "EstimateField",
    "EstimateModel",
    "Event",
    "EventOrganization",
    "EventReceipt",
    "Follow",
    "FollowerSettings",
    "FundingRound",
    "FxRate",
    "Job",
    "Metric",
    "Organization",
    "Participation",
    "ParticipationFigures",
    "Position",
    "Relationship",
    "RoundFigures",
    "RoundStatusChange",
    "SavedSearch",
    "SavedSearchEvent",
    "Source",
    "Webhook",
    "WebhookDelivery",
    "WorkerHeartbeat",
]
