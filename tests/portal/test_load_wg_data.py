"""The working group's real data file, and what happens with a broken one."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from meetings.models import MeetingSeries, Resource
from wg.models import Person, Role, RoleAssignment, Visibility, WorkingGroup

DATA = Path(__file__).resolve().parents[2] / "data" / "working_group.yaml"


def _load(path: Path = DATA) -> None:
    call_command("load_wg_data", file=path, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_real_data_loads_the_group_chairs_meeting_and_resources(db):
    _load()
    wg = WorkingGroup.objects.get()
    assert wg.mission == "Define, develop and conduct the MLPerf Training benchmarks."
    assert len(wg.deliverables) == 4
    chairs = set(
        RoleAssignment.objects.filter(role=Role.CHAIR).values_list("person__full_name", flat=True)
    )
    assert chairs == {"Victor Bittorf", "John Tran"}
    assert all(p.bio for p in Person.objects.all())
    weekly = MeetingSeries.objects.get()
    assert (weekly.rrule, weekly.start_time.isoformat(), weekly.duration_minutes) == (
        "FREQ=WEEKLY;BYDAY=TH",
        "08:30:00",
        90,
    )
    assert weekly.time_zone == "America/Los_Angeles"
    assert Resource.objects.filter(visibility=Visibility.MEMBERS).exists()
    assert Resource.objects.filter(
        visibility=Visibility.PUBLIC, url="https://github.com/mlcommons"
    ).exists()


def test_loading_twice_changes_nothing(db):
    _load()
    events = AuditEvent.objects.count()
    rows = (Person.objects.count(), RoleAssignment.objects.count(), Resource.objects.count())
    _load()
    assert AuditEvent.objects.count() == events
    assert (
        Person.objects.count(),
        RoleAssignment.objects.count(),
        Resource.objects.count(),
    ) == rows


def _broken(tmp_path: Path, mutate) -> Path:
    doc = yaml.safe_load(DATA.read_text())
    mutate(doc)
    path = tmp_path / "working_group.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_an_unknown_field_names_the_file_entry_and_field(db, tmp_path):
    path = _broken(tmp_path, lambda d: d["people"][1].update(bioo="typo"))
    with pytest.raises(CommandError) as exc:
        _load(path)
    assert str(exc.value).startswith(f"{path}: people[1] (john-tran): field 'bioo':")


def test_a_wrong_value_names_the_field_and_nothing_is_half_loaded(db, tmp_path):
    path = _broken(tmp_path, lambda d: d["resources"][2].update(visibility="secret"))
    with pytest.raises(
        CommandError, match=r"resources\[2\] \(github-training\): field 'visibility'"
    ):
        _load(path)
    assert not WorkingGroup.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_dangling_reference_is_refused(db, tmp_path):
    path = _broken(tmp_path, lambda d: d["roles"][0].update(person="nobody"))
    with pytest.raises(CommandError, match=r"roles\[0\]: field 'person': unknown person 'nobody'"):
        _load(path)


def test_a_bad_rrule_is_refused(db, tmp_path):
    path = _broken(tmp_path, lambda d: d["meetings"][0].update(rrule="EVERY THURSDAY"))
    with pytest.raises(CommandError, match=r"meetings\[0\] \(weekly\): field 'rrule'"):
        _load(path)


def test_a_failure_in_a_later_step_rolls_back_everything(db, tmp_path):
    # Passes the schema but breaks a database rule while writing (org-private needs an org).
    path = _broken(tmp_path, lambda d: d["resources"][0].update(visibility="org_private"))
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the point is the rollback
        _load(path)
    assert not WorkingGroup.objects.exists()
