"""Imports every table so SQLModel.metadata is complete (for migrations and tests)."""

from sqlmodel import SQLModel

from jobbridge.accounts.models import ApiToken, AuditLog, CoordinatorArea, KVEntry, User
from jobbridge.employers.compliance_store import ComplianceRule
from jobbridge.employers.models import Employer, Interest, Vacancy, VacancyBenefit
from jobbridge.geo.models import Town, TownAdjacency, Village
from jobbridge.graduates.models import Graduate, GraduateEvent, GraduateHardship, ServiceRating
from jobbridge.jobruns import JobRun
from jobbridge.occupations.models import Occupation
from jobbridge.outreach.models import InboxItem, OutboxMessage
from jobbridge.policies.models import Policy, PolicyVersion
from jobbridge.settings_store import AppSetting

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "AppSetting",
    "AuditLog",
    "ComplianceRule",
    "CoordinatorArea",
    "Employer",
    "Graduate",
    "GraduateEvent",
    "GraduateHardship",
    "InboxItem",
    "Interest",
    "JobRun",
    "KVEntry",
    "Occupation",
    "OutboxMessage",
    "Policy",
    "PolicyVersion",
    "ServiceRating",
    "Town",
    "TownAdjacency",
    "User",
    "Vacancy",
    "VacancyBenefit",
    "Village",
    "metadata",
]
