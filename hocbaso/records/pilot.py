"""Which grades get digital transcripts (the plan's pilot: 1-4 and 6-8).

The grades come from settings.HOCBASO_PILOT_GRADES so that switching on grade
5 or 9 is configuration, not code (domain.md §1).
"""

from django.conf import settings


def is_in_pilot(grade: int) -> bool:
    return grade in settings.HOCBASO_PILOT_GRADES
