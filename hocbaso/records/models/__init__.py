"""The school-side data model of hocbaso.records; see each module's docstring."""

from hocbaso.records.models._base import (
    LEVEL_GROUP_CODES,
    ImmutableFieldError,
    SchoolLevel,
    level_of_grade,
)
from hocbaso.records.models.assessments import SubjectAssessment, Term
from hocbaso.records.models.calendar import SchoolClass, SchoolYear
from hocbaso.records.models.organisations import (
    Department,
    ManagementUnit,
    School,
    SchoolUnitPeriod,
    unit_of,
)
from hocbaso.records.models.people import (
    CLASS_ROLES,
    DEPARTMENT_ROLES,
    SCHOOL_ROLES,
    Appointment,
    Certificate,
    Person,
    Role,
    StaffEvent,
    StaffEventType,
)
from hocbaso.records.models.record_states import RecordStatus, Round
from hocbaso.records.models.signatures import (
    RecordPacket,
    SignatureStep,
    SignerRole,
    drop_signatures,
)
from hocbaso.records.models.students import Enrollment, Sex, Student
from hocbaso.records.models.transcripts import Transcript
from hocbaso.records.models.yearly_records import YearlyRecord
from hocbaso.records.pilot import is_in_pilot

__all__ = [
    "CLASS_ROLES",
    "DEPARTMENT_ROLES",
    "LEVEL_GROUP_CODES",
    "SCHOOL_ROLES",
    "Appointment",
    "Certificate",
    "Department",
    "Enrollment",
    "ImmutableFieldError",
    "ManagementUnit",
    "Person",
    "RecordPacket",
    "RecordStatus",
    "Role",
    "Round",
    "School",
    "SchoolClass",
    "SchoolLevel",
    "SchoolUnitPeriod",
    "SchoolYear",
    "Sex",
    "SignatureStep",
    "SignerRole",
    "StaffEvent",
    "StaffEventType",
    "Student",
    "SubjectAssessment",
    "Term",
    "Transcript",
    "YearlyRecord",
    "drop_signatures",
    "is_in_pilot",
    "level_of_grade",
    "unit_of",
]
