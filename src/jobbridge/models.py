"""Imports every table so SQLModel.metadata is complete (for migrations and tests)."""

from sqlmodel import SQLModel

from jobbridge.accounts.models import ApiToken, AuditLog, CoordinatorArea, KVEntry, User
from jobbridge.employers.compliance_store import ComplianceRule
from jobbridge.employers.imports import VacancyImport
from jobbridge.employers.models import Employer, Interest, Vacancy, VacancyBenefit
from jobbridge.employers.reviews import VacancyReview
from jobbridge.fairs.models import (
    BoothBooking,
    BoothVacancy,
    Fair,
    FairAnnouncement,
    FairRegistration,
    FairWalkIn,
    HolidayDay,
    HolidayYear,
)
from jobbridge.geo.models import Town, TownAdjacency, Village
from jobbridge.graduates.models import Graduate, GraduateEvent, GraduateHardship, ServiceRating
from jobbridge.jobruns import JobRun
from jobbridge.matching.models import (
    JobseekerProfile,
    MatchArtifact,
    MatchEvent,
    MatchWeightComparison,
    MatchWeightSet,
)
from jobbridge.occupations.models import Occupation
from jobbridge.outreach.models import (
    AccessCode,
    BulletinBatch,
    InboxItem,
    OutboxMessage,
    PushReceipt,
    ReachEvent,
    Subscription,
    VacancyPush,
    VillageBulletin,
    VillageFeed,
)
from jobbridge.policies.models import Policy, PolicyVersion
from jobbridge.settings_store import AppSetting

metadata = SQLModel.metadata

__all__ = [
    "AccessCode",
    "ApiToken",
    "AppSetting",
    "AuditLog",
    "BoothBooking",
    "BoothVacancy",
    "BulletinBatch",
    "ComplianceRule",
    "CoordinatorArea",
    "Employer",
    "Fair",
    "FairAnnouncement",
    "FairRegistration",
    "FairWalkIn",
    "Graduate",
    "GraduateEvent",
    "GraduateHardship",
    "HolidayDay",
    "HolidayYear",
    "InboxItem",
    "Interest",
    "JobRun",
    "JobseekerProfile",
    "KVEntry",
    "MatchArtifact",
    "MatchEvent",
    "MatchWeightComparison",
    "MatchWeightSet",
    "Occupation",
    "OutboxMessage",
    "Policy",
    "PolicyVersion",
    "PushReceipt",
    "ReachEvent",
    "ServiceRating",
    "Subscription",
    "Town",
    "TownAdjacency",
    "User",
    "Vacancy",
    "VacancyBenefit",
    "VacancyImport",
    "VacancyPush",
    "VacancyReview",
    "Village",
    "VillageBulletin",
    "VillageFeed",
    "metadata",
]
