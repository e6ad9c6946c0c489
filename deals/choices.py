"""Enumerations shared by models, forms, filters, serializers and the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from deals.engine.valuation import PENDING


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROXIMATELY = "approximately", _("approximately")
    UP_TO = "up_to", _("up to")
    AT_LEAST = "at_least", _("at least")
    BETWEEN = "between", _("between")
    UNDISCLOSED = "undisclosed", _("undisclosed")


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    CORPORATE = "corporate", _("Corporate")
    VC_FUND = "vc_fund", _("Venture capital fund")
    PE_FUND = "pe_fund", _("Private equity fund")
    SOVEREIGN_FUND = "sovereign_fund", _("Sovereign wealth fund")
    ANGEL = "angel", _("Angel investor")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class RoundType(models.TextChoices):
    """Crunchbase's investment types."""

    PRE_SEED = "pre_seed", _("Pre-seed")
    SEED = "seed", _("Seed")
    ANGEL = "angel", _("Angel")
    SERIES_A = "series_a", _("Series A")
    SERIES_B = "series_b", _("Series B")
    SERIES_C = "series_c", _("Series C")
    SERIES_D = "series_d", _("Series D")
    SERIES_E = "series_e", _("Series E")
    SERIES_F = "series_f", _("Series F")
    SERIES_G = "series_g", _("Series G")
    SERIES_H = "series_h", _("Series H")
    SERIES_I = "series_i", _("Series I")
    SERIES_J = "series_j", _("Series J")
    SERIES_UNKNOWN = "series_unknown", _("Venture (series unknown)")
    CORPORATE_ROUND = "corporate_round", _("Corporate round")
    PRIVATE_EQUITY = "private_equity", _("Private equity")
    CONVERTIBLE_NOTE = "convertible_note", _("Convertible note")
    DEBT_FINANCING = "debt_financing", _("Debt financing")
    SECONDARY_MARKET = "secondary_market", _("Secondary market")
    GRANT = "grant", _("Grant")
    EQUITY_CROWDFUNDING = "equity_crowdfunding", _("Equity crowdfunding")
    PRODUCT_CROWDFUNDING = "product_crowdfunding", _("Product crowdfunding")
    INITIAL_COIN_OFFERING = "initial_coin_offering", _("Initial coin offering")
    NON_EQUITY_ASSISTANCE = "non_equity_assistance", _("Non-equity assistance")
    POST_IPO_EQUITY = "post_ipo_equity", _("Post-IPO equity")
    POST_IPO_DEBT = "post_ipo_debt", _("Post-IPO debt")
    POST_IPO_SECONDARY = "post_ipo_secondary", _("Post-IPO secondary")
    UNDISCLOSED = "undisclosed", _("Undisclosed")


class RoundStatus(models.TextChoices):
    RUMORED = "rumored", _("Rumored")
    IN_TALKS = "in_talks", _("In talks")
    TERM_SHEET = "term_sheet", _("Term sheet")
    ANNOUNCED = "announced", _("Announced")
    CLOSED = "closed", _("Closed")
    ABANDONED = "abandoned", _("Abandoned")


#: Statuses whose figures are pro forma: they hold only if the round closes. The engine's rule, named here.
PENDING_STATUSES = PENDING


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Instrument(models.TextChoices):
    EQUITY = "equity", _("Equity")
    SAFE = "safe", _("SAFE")
    CONVERTIBLE_NOTE = "convertible_note", _("Convertible note")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other")


class ParticipationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    COMMITTED = "committed", _("Committed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConditionKind(models.TextChoices):
    CLOUD_USAGE = "cloud_usage", _("Cloud usage")
    DISTRIBUTION = "distribution", _("Distribution")
    EXCLUSIVITY = "exclusivity", _("Exclusivity")
    REGULATORY = "regulatory", _("Regulatory approval")
    MILESTONE = "milestone", _("Milestone")
    OTHER = "other", _("Other")


class ConditionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met")
    WAIVED = "waived", _("Waived")
    FAILED = "failed", _("Failed")


class RelationshipKind(models.TextChoices):
    COMPUTE_SUPPLY = "compute_supply", _("Compute supply")
    CLOUD = "cloud", _("Cloud")
    DISTRIBUTION = "distribution", _("Distribution")
    LICENSING = "licensing", _("Licensing")
    SERVICES = "services", _("Services")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    OFFICIAL = "official", _("Official")
    CONFIRMED = "confirmed", _("Confirmed")
    REPORT = "report", _("Report")
    RUMOR = "rumor", _("Rumor")


class ClaimField(models.TextChoices):
    """The fields of a record a claim can be about (see deals.models.claims.CLAIM_FIELDS for which record)."""

    AMOUNT = "amount", _("amount")
    PRE_MONEY_VALUATION = "pre_money_valuation", _("pre-money valuation")
    POST_MONEY_VALUATION = "post_money_valuation", _("post-money valuation")
    STATUS = "status", _("status")
    REPORTED_ON = "reported_on", _("first reported on")
    ANNOUNCED_ON = "announced_on", _("announced on")
    CLOSED_ON = "closed_on", _("closed on")
    ROUND_TYPE = "round_type", _("round type")
    IS_LEAD = "is_lead", _("lead investor")
    INSTRUMENT = "instrument", _("instrument")
    VALUE = "value", _("value")
    ANNUAL_VALUE = "annual_value", _("annual value")


class MetricKind(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    OPERATING_EXPENSES = "operating_expenses", _("Operating expenses")
    FUNDING_NEED = "funding_need", _("Funding need")
    RPO_SHARE = "rpo_share", _("Share of remaining performance obligations")
    HEADCOUNT = "headcount", _("Headcount")
    OTHER = "other", _("Other")


class JobKind(models.TextChoices):
    FULL_RECOMPUTE = "full_recompute", _("Full recompute")
    IMPORT = "import", _("Import")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class EventKind(models.TextChoices):
    """What a change means to someone following the deals (deals/events.py records and renders them).

    A new kind is one entry here and one ``record_event(kind=...)`` call where it happens; its sentence is
    in ``deals.events.PHRASES``."""

    ROUND_CREATED = "round_created", _("New round")
    STATUS_CHANGED = "status_changed", _("Status change")
    AMOUNT_REVISED = "amount_revised", _("Amount revised")
    VALUATION_REVISED = "valuation_revised", _("Valuation revised")
    PARTICIPANT_ADDED = "participant_added", _("New participant")
    PARTICIPANT_WITHDRAWN = "participant_withdrawn", _("Participant withdrawn")
    CONDITION_MET = "condition_met", _("Condition met")
    CONDITION_FAILED = "condition_failed", _("Condition failed")
    CONDITION_WAIVED = "condition_waived", _("Condition waived")
    CYCLE_FOUND = "cycle_found", _("New money cycle")
    RELATED_PARTY = "related_party", _("Related-party flag")
    CLAIM_CREATED = "claim_created", _("New claim")
    CLAIM_DISPUTED = "claim_disputed", _("Claim disputed")
    CLAIM_ACCEPTED = "claim_accepted", _("Claim accepted")


class AlertMode(models.TextChoices):
    OFF = "off", _("No e-mails")
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
