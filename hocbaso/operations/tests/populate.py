"""Run in an installation's own process (``python -m``): fill its registry.

build  migrate, build the registry tests' signed district (its PKI, ledger key and
       trust store in the data directory), submit the primary class's main-round
       records and lock that school's round; keep the secondary class's packets
       for ``more``
more   submit the kept packets: ledger entries made after a backup
other  submit only the last of them: the same log up to the backup, then another
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sys
from pathlib import Path

import django


def _build(root: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from hocbaso.records.models import Round
    from hocbaso.registry import actions
    from hocbaso.registry.actors import Actor
    from hocbaso.registry.clock import fixed_clock
    from hocbaso.registry.tests.district import build

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    district = build(root)
    clock = fixed_clock(district.open_at)
    school = district.primary.school
    clerk = Actor.of_user(district.user(school))
    for record in district.records(district.primary, Round.MAIN):
        actions.submit(district.packet(record), school=school, actor=clerk, clock=clock)
    actions.lock_round(
        district.year,
        Round.MAIN,
        scope=school,
        actor=Actor.system("tests"),
        clock=clock,
    )
    pending = {
        str(record.pk): base64.b64encode(district.packet(record)).decode()
        for record in district.records(district.secondary)
    }
    keep = {"open_at": district.open_at.isoformat(), "packets": pending}
    (root / "pending.json").write_text(json.dumps(keep))


def _more(root: Path, only_last: bool = False) -> None:
    from hocbaso.records.models import Appointment, Role, YearlyRecord
    from hocbaso.registry import actions
    from hocbaso.registry.actors import Actor
    from hocbaso.registry.clock import fixed_clock

    kept = json.loads((root / "pending.json").read_text())
    clock = fixed_clock(dt.datetime.fromisoformat(kept["open_at"]))
    packets = list(kept["packets"].items())
    for pk, packet in packets[-1:] if only_last else packets:
        record = YearlyRecord.objects.get(pk=int(pk))
        clerk = Appointment.objects.filter(
            school=record.school, role=Role.CLERK, school_year=record.school_year
        ).first()
        actor = Actor.of_user(clerk.person.user)
        actions.submit(
            base64.b64decode(packet), school=record.school, actor=actor, clock=clock
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocbaso.settings")
    django.setup()
    from django.conf import settings

    step, data_dir = sys.argv[1], Path(settings.DATA_DIR)
    steps = {"build": _build, "more": _more, "other": lambda r: _more(r, True)}
    steps[step](data_dir)
