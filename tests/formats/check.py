"""Checks a built site's MISP, STIX and VERIS exports with the formats' own tools.

    python check.py veris|stix|misp SITE_DIR [VERIS_SCHEMA]

Exits non-zero with a message per problem. Needs jsonschema, stix2, stix2-validator and
pymisp (`.ci/run` installs them). Run by the ignored tests in tests/site/formats.rs.
"""

import hashlib
import json
import pathlib
import sys

problems = []


def problem(message):
    problems.append(message)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def writeups(site):
    """The published writeups by id, from writeups.json."""
    return {w["id"]: w for w in load(site / "writeups.json")["writeups"]}


def check_veris(site, schema_path):
    import jsonschema

    schema = load(schema_path)
    validator = jsonschema.Draft4Validator(schema)
    published = writeups(site)
    records = load(site / "veris.json")
    if len(records) != len(published):
        problem(f"{len(records)} records in veris.json, {len(published)} published writeups")
    for record in records:
        name = f"veris.json: {record.get('incident_id')}"
        for error in validator.iter_errors(record):
            problem(f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        if record.get("security_incident") != "Near miss":
            problem(f"{name}: security_incident is {record.get('security_incident')!r}")
        plus = record.get("plus", {}).get("nearmiss", {})
        w = published.get(plus.get("id"))
        if w is None:
            problem(f"{name}: plus.nearmiss.id {plus.get('id')!r} is not a published writeup")
        elif plus.get("tlp") != w["tlp"]:
            problem(f"{name}: TLP {plus.get('tlp')!r}, the writeup's is {w['tlp']!r}")
    print(f"veris: {len(records)} records valid against VERIS {schema.get('title', '1.4.1')}")


def check_stix(site):
    import stix2
    import stix2validator
    from stix2.properties import (EnumProperty, IntegerProperty, ListProperty, OpenVocabProperty,
                                  ReferenceProperty, StringProperty, TimestampProperty)

    # The Task object of the Incident Core extension suite, registered with its published
    # properties so that stix2 checks them rather than passing them through as custom content.
    @stix2.v21.CustomObject("task", [
        ("name", StringProperty()),
        ("description", StringProperty()),
        ("task_types", ListProperty(StringProperty)),
        ("outcome", EnumProperty(["cancelled", "failed", "ongoing", "pending", "successful", "unknown"], required=True)),
        ("start_time", TimestampProperty()),
        ("end_time", TimestampProperty()),
        ("end_time_fidelity", EnumProperty(["second", "minute", "hour", "day", "month", "year"])),
        ("priority", IntegerProperty(min=0, max=100)),
    ], extension_name="extension-definition--2074a052-8be4-4932-849e-f5e7798e0030")
    class Task:
        pass

    path = site / "stix" / "bundle.json"
    results = stix2validator.validate_file(str(path), stix2validator.ValidationOptions())
    for result in results.object_results:
        for error in result.errors:
            problem(f"stix2-validator: {result.object_id}: {error}")
    if not results.is_valid:
        problem("stix2-validator: the bundle is not valid")
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    published = writeups(site)
    markings = {o.id: o for o in bundle.objects if o.type == "marking-definition"}
    incidents = [o for o in bundle.objects if o.type == "incident"]
    if len(incidents) != len(published):
        problem(f"{len(incidents)} incidents, {len(published)} published writeups")
    core = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
    for obj in bundle.objects:
        if obj.type != "marking-definition" and not obj.get("object_marking_refs"):
            problem(f"{obj.id} has no TLP marking")
        for ref in obj.get("object_marking_refs", []):
            if ref not in markings:
                problem(f"{obj.id}: marking {ref} is not in the bundle")
    for incident in incidents:
        ext = incident.extensions[core]
        writeup_id = incident.external_references[0].external_id
        w = published.get(writeup_id)
        if w is None:
            problem(f"{incident.id}: {writeup_id} is not a published writeup")
            continue
        tlp = markings[incident.object_marking_refs[0]].name
        if tlp != "TLP:" + w["tlp"].upper():
            problem(f"{incident.id}: marked {tlp}, the writeup is {w['tlp']}")
        expected = "failed-attempt" if w["stopped_by"] == "luck" else "blocked"
        if ext["determination"] != expected:
            problem(f"{incident.id}: determination {ext['determination']}, expected {expected}")
        tasks = ext.get("tasks", [])
        if len(tasks) != len(w["actions"]):
            problem(f"{incident.id}: {len(tasks)} tasks for {len(w['actions'])} action items")
    print(f"stix: {len(bundle.objects)} objects, {len(incidents)} incidents, valid")


def check_misp(site):
    from pymisp import MISPEvent

    feed = site / "misp"
    manifest = load(feed / "manifest.json")
    published = writeups(site)
    files = sorted(p for p in feed.glob("*.json") if p.name != "manifest.json")
    if sorted(p.stem for p in files) != sorted(manifest):
        problem("the manifest does not list exactly the event files")
    if len(files) != len(published):
        problem(f"{len(files)} events, {len(published)} published writeups")
    hashes = set()
    for f in files:
        event = MISPEvent()
        event.load_file(str(f))
        if event.uuid != f.stem:
            problem(f"{f.name}: event uuid {event.uuid}")
        tags = [t.name for t in event.tags]
        entry = manifest.get(event.uuid, {})
        if [t["name"] for t in entry.get("Tag", [])] != tags:
            problem(f"{f.name}: the manifest's tags differ from the event's")
        for key, value in (("info", event.info), ("date", event.date.isoformat()),
                           ("threat_level_id", str(event.threat_level_id)), ("analysis", str(event.analysis))):
            if str(entry.get(key)) != value:
                problem(f"{f.name}: manifest {key} {entry.get(key)!r}, event {value!r}")
        if entry.get("Orgc", {}).get("uuid") != event.Orgc.uuid:
            problem(f"{f.name}: the manifest's Orgc differs")
        if 'veris:security_incident="Near miss"' not in tags:
            problem(f"{f.name}: no veris:security_incident tag")
        tlps = [t for t in tags if t.startswith("tlp:")]
        ids = [a.value for a in event.attributes if a.category == "Internal reference"]
        w = published.get(ids[0]) if ids else None
        if w is None:
            problem(f"{f.name}: no published writeup id among its attributes")
        elif tlps != ["tlp:" + w["tlp"]]:
            problem(f"{f.name}: TLP tags {tlps}, the writeup is {w['tlp']}")
        if not event.event_reports or not event.event_reports[0].content:
            problem(f"{f.name}: no event report")
        for a in event.attributes:
            hashes.add(f"{hashlib.md5(a.value.encode()).hexdigest()},{event.uuid}")
    listed = set((feed / "hashes.csv").read_text(encoding="utf-8").split())
    if listed != hashes:
        problem(f"hashes.csv: {len(listed ^ hashes)} lines differ from the events' attributes")
    print(f"misp: {len(files)} events load in PyMISP; the manifest and hashes.csv match")


def main():
    kind, site = sys.argv[1], pathlib.Path(sys.argv[2])
    if kind == "veris":
        check_veris(site, sys.argv[3])
    elif kind == "stix":
        check_stix(site)
    elif kind == "misp":
        check_misp(site)
    else:
        sys.exit(f"unknown check {kind}")
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
