"""Rule documents and their revisions, cut into sections; the binding of a round to one
revision of each document (its freeze); and the exceptions granted to a frozen round.

The source of a revision is the AsciiDoc the working group writes; everything else on a
revision (the sections, the rendered and sanitised HTML) is computed from it once, when it is
imported, by the rules engine (``roadmap.rules``), so pages never render per request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.models.catalogue import Benchmark, Round
from roadmap.models.decisions import Decision
from roadmap.models.proposals import Proposal
from wg.models import Person


class RuleDocument(models.Model):
    """A rule document of the working group, e.g. ``training`` (the training rules)."""

    slug = models.SlugField(max_length=50, unique=True, help_text="E.g. 'training'")
    title = models.TextField(help_text="The latest revision's title")
    public = models.BooleanField(
        default=True, help_text="Readable by anyone; otherwise by members only"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("roadmap:rules-document", args=[self.slug])


class RevisionStatus(models.TextChoices):
    """A draft (the text of an accepted proposal being written) has no number yet; publishing
    gives it the next one. Published revisions never change."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class RuleRevision(models.Model):
    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="1, 2, … per document once published"
    )
    status = models.CharField(
        max_length=10,
        choices=RevisionStatus.choices,
        default=RevisionStatus.PUBLISHED,
        editable=False,
    )
    title = models.TextField(blank=True, help_text="The title line of the source")
    source = models.TextField(help_text="AsciiDoc, as the working group writes it")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the source")
    message = models.TextField(help_text="What changed and why")
    date = models.DateField(help_text="The date of the text (the rules' own date line)")
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_revisions"
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_revisions",
        help_text="The decision that motivated it",
    )
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_revisions",
        help_text="The accepted proposal it implements",
    )
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published revision a draft was started from",
    )
    html = models.TextField(help_text="The whole document, rendered and sanitised")
    renderer = models.CharField(max_length=100, blank=True)
    render_warnings = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["document", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="one_revision_number_per_document"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status=RevisionStatus.PUBLISHED,
                        number__isnull=False,
                        published_at__isnull=False,
                    )
                    | models.Q(status=RevisionStatus.DRAFT, number__isnull=True)
                ),
                name="rule_revision_numbered_iff_published",
            ),
            models.UniqueConstraint(
                fields=["document", "proposal"],
                condition=models.Q(status=RevisionStatus.DRAFT),
                name="one_draft_per_document_and_proposal",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"{self.document.slug} draft {self.pk}"
        return f"{self.document.slug} revision {self.number}"

    def get_absolute_url(self) -> str:
        if self.number is None:
            return reverse("roadmap:rules-draft", args=[self.document.slug, self.pk])
        return reverse("roadmap:rules-revision", args=[self.document.slug, self.number])

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    @property
    def label(self) -> str:
        return f"draft {self.pk}" if self.number is None else f"revision {self.number}"


class RuleSection(models.Model):
    """One section of a revision, as the rules engine cut it, with its own sanitised HTML."""

    revision = models.ForeignKey(RuleRevision, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(help_text="0 is the preamble")
    # Text, not a bounded CharField: headings are written by people and a long one must not
    # make an import fail on one database and pass on another.
    path = models.TextField()
    title = models.TextField()
    anchor = models.CharField(max_length=500)
    number = models.TextField(blank=True, help_text="As the document shows it")
    heading = models.TextField(help_text="The title with its number")
    level = models.PositiveSmallIntegerField()
    first_line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    comparable_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the text with white space folded"
    )
    html = models.TextField(blank=True)

    class Meta:
        ordering = ["revision", "order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "order"], name="one_section_per_place"),
            models.UniqueConstraint(fields=["revision", "anchor"], name="one_section_per_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.path}"


class RoundRuleFreeze(models.Model):
    """A round's rules, fixed: one revision of each document, the official checker's ruleset
    and its reference convergence points. Never changed after it is created (the database
    refuses updates; see the migration ``frozen_rules_cannot_change``)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="rule_freeze")
    ruleset = models.CharField(max_length=20, help_text="mlperf-logging ruleset, e.g. '6.0.0'")
    rcp_set = models.CharField(
        max_length=40, blank=True, help_text="The RCP folder of the ruleset, e.g. 'training_6.0.0'"
    )
    rcp_digest = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 over the set's RCP files"
    )
    rcp_benchmarks = models.JSONField(default=list, blank=True)
    checker_version = models.CharField(
        max_length=40, blank=True, help_text="The installed mlperf-logging at the freeze"
    )
    revisions = models.ManyToManyField(
        RuleRevision, through="FrozenRuleRevision", related_name="freezes"
    )
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"Rules of {self.round.name} (ruleset {self.ruleset})"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:rules-round", args=[self.round.name])


class FrozenRuleRevision(models.Model):
    freeze = models.ForeignKey(RoundRuleFreeze, on_delete=models.CASCADE, related_name="bindings")
    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(RuleRevision, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["document__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["freeze", "document"], name="one_frozen_revision_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.freeze.round.name}: {self.revision}"


class RuleException(models.Model):
    """A rule that applies to one round differently from its frozen text: granted by a
    decision, for a section of the frozen revision, optionally for one benchmark."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="rule_exceptions")
    freeze = models.ForeignKey(RoundRuleFreeze, on_delete=models.PROTECT, related_name="exceptions")
    benchmark = models.ForeignKey(
        Benchmark, null=True, blank=True, on_delete=models.PROTECT, related_name="rule_exceptions"
    )
    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(
        RuleRevision,
        on_delete=models.PROTECT,
        related_name="exceptions",
        help_text="The round's frozen revision of the document",
    )
    section_anchor = models.CharField(max_length=500)
    section_path = models.TextField()
    later_revision = models.ForeignKey(
        RuleRevision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A later revision whose text of the section applies to the round",
    )
    text = models.TextField(help_text="What applies instead (Markdown)")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="rule_exceptions")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "recorded_at", "pk"]

    def __str__(self) -> str:
        scope = f" ({self.benchmark.slug})" if self.benchmark_id else ""
        return f"Exception for {self.round.name}{scope}: {self.section_path}"
