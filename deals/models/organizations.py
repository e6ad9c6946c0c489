"""Organizations: companies, funds and the other parties that invest or raise money."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deals.choices import OrganizationKind
from deals.countries import is_country
from deals.models.audit import audited, version_field
from deals.models.validation import OneQueryConstraints


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def with_roles(self) -> OrganizationQuerySet:
        """Annotate ``is_investor`` and ``is_target``, which follow from the organization's rounds."""
        from deals.models.rounds import FundingRound, Participation

        return self.annotate(
            is_investor=Exists(Participation.objects.filter(investor=OuterRef("pk"))),
            is_target=Exists(FundingRound.objects.filter(target=OuterRef("pk"))),
        )

    def search(self, text: str, *, best: int | None = None) -> OrganizationQuerySet:
        """Organizations whose name or aliases contain or resemble ``text``, or whose words it names (English or
        German), best match first (``search_rank``, higher is better; a later ``order_by`` replaces the order):
        an exact name, then the best similarity plus the text rank, then by name.

        With ``best``, for a page that shows the best ``best`` or so: only the candidates each index gives
        (:func:`deals.search.org_candidates`, at least ``ORG_CANDIDATES`` of each, the most alike names first)
        are ranked, so a word that thousands of names share costs no more than a rare one. Where more match than
        that, the organizations shown after the exact name are among the best-ranked, but which of many that tie
        (or nearly tie, within a tier of similarity) is shown is the candidates' first by name, not necessarily
        the first by name of all of them. Under three letters, names match from their start (or by a whole word)
        only. A list of every match (the ``q`` filter) calls it without ``best``."""
        from deals import search

        text = text.strip()
        if not text:
            return self
        found = self.alias(search_key=search.org_key(), search_doc=search.org_document())
        if best is None:
            found = found.filter(search.org_condition(text))
        else:
            found = found.filter(pk__in=search.org_candidates(text, best))
        return found.annotate(search_rank=search.org_rank(text)).order_by("-search_rank", "name")


@audited
class Organization(OneQueryConstraints):
    """A company, fund, government or person that raises or invests money; a parent groups subsidiaries."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.COMPANY
    )
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2, e.g. US"))
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
        help_text=_("The group this organization belongs to: a subsidiary or investment arm (AWS → Amazon)."),
    )
    aliases = ArrayField(models.CharField(max_length=200), verbose_name=_("aliases"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organization_name_unique_ci",
                violation_error_message=_("An organization with this name already exists."),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organization_not_own_parent"),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"), name="organization_country_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deals:organization_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.country:
            self.country = self.country.upper()
            if not is_country(self.country):
                raise ValidationError(
                    {"country": _("“%(code)s” is not an ISO 3166-1 country code.") % {"code": self.country}}
                )
        self._check_parent_chain()

    def _check_parent_chain(self) -> None:
        seen = {self.pk}
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("This parent would make the organization its own ancestor.")})
            seen.add(parent.pk)
            parent = parent.parent
