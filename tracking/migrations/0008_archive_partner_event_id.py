"""The archive's (partner, partner_event_id) unique index: the ingestion's duplicate check reads
it, so an event re-sent after the nightly archival moved its original is a duplicate.

Unique, because the data allows it: an event id is unique per partner in the live table, the
archival moves each event once under its own id (``ON CONFLICT (id) DO NOTHING``), and from now
on ingestion refuses an id the archive holds. Building the index checks the archive itself (a
duplicate key fails it with the key named). A live event that repeats an archived one (accepted
again before this fix) would make the archival of its shipment fail every night; the check
below refuses the migration with those keys named, for an operator to decide (the ledger is
append-only: no event is deleted here).

A plain (not concurrent) build: it blocks writes to the archive only (the nightly archival);
the ingestion and the lookups only read it."""

from django.db import migrations, models


def refuse_live_repeats_of_archived(apps, schema_editor):
    live = apps.get_model("tracking", "TrackingEvent")._meta.db_table
    cold = apps.get_model("tracking", "ArchivedTrackingEvent")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.partner_id, h.partner_event_id, h.id, a.id FROM {live} h "
            f"JOIN {cold} a ON a.partner_id = h.partner_id "
            "AND a.partner_event_id = h.partner_event_id "
            "WHERE h.partner_event_id <> '' AND a.partner_event_id <> '' "
            "ORDER BY h.partner_id, h.partner_event_id LIMIT 20"
        )
        rows = cursor.fetchall()
    if rows:
        listed = "; ".join(
            f"partner {p} event id {e!r}: live event {h}, archived event {a}" for p, e, h, a in rows
        )
        raise RuntimeError(
            "Live tracking events repeat archived ones (accepted again before the duplicate "
            f"check read the archive): {listed}. Decide which copy stands before migrating."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0007_any_event_view"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="archivedtrackingevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("partner_event_id", ""), _negated=True),
                fields=("partner", "partner_event_id"),
                name="trk_archive_partner_event_id",
            ),
        ),
        migrations.RunPython(refuse_live_repeats_of_archived, migrations.RunPython.noop),
    ]
