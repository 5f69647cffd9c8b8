from django.db import models

from shouhu.rules import care as R

from ..helpers.models import Helper


class VisitRule(models.Model):
    """County setting: children of `group` are visited by `role` every `interval_days`."""

    role = models.CharField("走访人身份", max_length=32)
    group = models.CharField("儿童类别", max_length=32, choices=list(R.GROUPS.items()))
    interval_days = models.PositiveSmallIntegerField("间隔天数")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "group"], name="visitrule_unique")]
        ordering = ["role", "group"]

    @classmethod
    def current(cls) -> tuple[R.VisitRule, ...]:
        rows = list(cls.objects.values_list("role", "group", "interval_days"))
        return R.rules_from(rows or R.DEFAULT_VISIT_RULES)


class CareSetting(models.Model):
    contact_days = models.PositiveSmallIntegerField("亲情联系最长间隔（天）", default=R.DEFAULT_CONTACT_DAYS,
                                                    help_text="未成年人保护法第23条：父母每周至少联系一次")
    soon_days = models.PositiveSmallIntegerField("提前提醒天数", default=R.DEFAULT_SOON_DAYS)

    @classmethod
    def current(cls) -> "CareSetting":
        return cls.objects.first() or cls()


class CareStatus(models.Model):
    """Per child: one-to-one gap and family-contact due date (maintained)."""

    child = models.OneToOneField("registry.Child", on_delete=models.CASCADE, primary_key=True, related_name="care")
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    active = models.BooleanField(default=True)
    needs_one_to_one = models.BooleanField(default=False)
    has_one_to_one = models.BooleanField(default=False)
    needs_contact = models.BooleanField(default=False)
    last_contact = models.DateField(null=True)
    contact_due = models.DateField(null=True)
    last_visit = models.DateField(null=True)
    since = models.DateField(null=True)  # entered the registry (or was created): a one-to-one gap counts from here

    class Meta:
        # The two partial indexes give "my tasks" its most urgent cards in order without reading a
        # whole county's rows (the county admin's home page stays flat as the county grows).
        indexes = [models.Index(fields=["village_code", "contact_due"]), models.Index(fields=["school_id", "school_class_id"]),
                   models.Index(fields=["contact_due", "child", "village_code"], condition=models.Q(active=True, needs_contact=True),
                                name="care_status_contact_gap"),
                   models.Index(fields=["since", "child", "village_code"],
                                condition=models.Q(active=True, needs_one_to_one=True, has_one_to_one=False), name="care_status_pair_gap"),
                   # the same few rows by place, for the count of a region's gaps: SQLite's planner takes the
                   # full village index for a county-wide range unless a partial one starts with the code too
                   models.Index(fields=["village_code", "since"],
                                condition=models.Q(active=True, needs_one_to_one=True, has_one_to_one=False), name="care_status_pair_gap_v")]


class VisitDue(models.Model):
    """A visit a child is owed by a role (or by one helper), with its due date (maintained)."""

    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32)
    helper = models.ForeignKey(Helper, null=True, on_delete=models.CASCADE, related_name="+")
    village_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField(null=True)
    school_class_id = models.BigIntegerField(null=True)
    interval_days = models.PositiveSmallIntegerField()
    last_visit = models.DateField(null=True)
    due = models.DateField()
    reason = models.CharField(max_length=128)

    class Meta:
        indexes = [models.Index(fields=["role", "village_code", "due"]), models.Index(fields=["role", "school_id", "school_class_id", "due"]),
                   models.Index(fields=["helper", "due"]), models.Index(fields=["child"])]
