import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.functions.datetime
from django.db import migrations, models

# Both audit tables are append-only hash chains, enforced here in PostgreSQL rather than in Python, so that
# neither the application nor raw SQL can rewrite history unnoticed.
#
# TRUNCATE is deliberately not blocked: Django's TransactionTestCase empties every table with TRUNCATE
# between tests. Production runs the application with a database role that does not own these tables and
# holds only SELECT and INSERT on them, so it can neither TRUNCATE them nor disable these triggers.
#
# The chain: a BEFORE INSERT trigger takes one transaction-scoped advisory lock, so inserts from concurrent
# transactions are serialised until commit, then numbers the row (ids come from the sequence inside the
# lock, so id order is chain order), stamps the time, reads the hash of the last row by id and sets
#     hash = sha256(prev_hash || '|' || canonical)
# where canonical is the text of a jsonb array of the row's content columns (napiter/audit/chain.py builds
# the same text in Python to verify). Time is written in UTC with microseconds, so the session's TimeZone
# cannot change the text.
SQL = """
ALTER TABLE audit_accessevent ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE audit_accessevent_id_seq OWNED BY audit_accessevent.id;
ALTER TABLE audit_changeevent ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE audit_changeevent_id_seq OWNED BY audit_changeevent.id;

CREATE FUNCTION audit_chain_lock() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Under REPEATABLE READ or SERIALIZABLE the snapshot predates the lock: the last row read below could
    -- be stale and the chain would fork. Refuse rather than write a broken link.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'jejak audit hanya dapat ditulis dengan isolasi READ COMMITTED (sekarang %)',
            current_setting('transaction_isolation');
    END IF;
    -- One lock for both chains: a transaction that writes to both cannot deadlock with another that
    -- writes to them in the other order. Held until commit, so the next writer sees this row.
    PERFORM pg_advisory_xact_lock(1851879529, 1);  -- 1851879529 = 'napi'
END
$$;

CREATE FUNCTION audit_time(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE FUNCTION audit_hash(prev_hash text, canonical text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev_hash || '|' || canonical, 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_accessevent_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_chain_lock();
    NEW.id := nextval('audit_accessevent_id_seq');
    NEW.created_at := clock_timestamp();
    NEW.prev_hash := coalesce(
        (SELECT hash FROM audit_accessevent ORDER BY id DESC LIMIT 1), repeat('0', 64)
    );
    NEW.hash := audit_hash(NEW.prev_hash, jsonb_build_array(
        NEW.id, audit_time(NEW.created_at), NEW.user_id, NEW.username, NEW.office_id, NEW.office_name,
        NEW.action, NEW.object_type, NEW.object_id, NEW.person_id, NEW.fields_revealed, NEW.reason,
        NEW.ip_address, NEW.path
    )::text);
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_changeevent_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only audit_record_change() writes here (it runs as a trigger, so this one is nested).
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'perubahan data hanya dicatat oleh trigger audit, tidak ditulis langsung';
    END IF;
    PERFORM audit_chain_lock();
    NEW.id := nextval('audit_changeevent_id_seq');
    NEW.created_at := clock_timestamp();
    NEW.prev_hash := coalesce(
        (SELECT hash FROM audit_changeevent ORDER BY id DESC LIMIT 1), repeat('0', 64)
    );
    NEW.hash := audit_hash(NEW.prev_hash, jsonb_build_array(
        NEW.id, audit_time(NEW.created_at), NEW.table_name, NEW.operation, NEW.row_pk, NEW.old, NEW.new,
        NEW.user_id, NEW.db_user, NEW.transaction_id
    )::text);
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_reject_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'jejak audit hanya dapat ditambah: % pada % ditolak', TG_OP, TG_TABLE_NAME
        USING HINT = 'Entri audit tidak boleh diubah atau dihapus.';
END
$$;

CREATE TRIGGER audit_accessevent_chain BEFORE INSERT ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_accessevent_chain();
CREATE TRIGGER audit_accessevent_append_only BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION audit_reject_rewrite();
CREATE TRIGGER audit_changeevent_chain BEFORE INSERT ON audit_changeevent
    FOR EACH ROW EXECUTE FUNCTION audit_changeevent_chain();
CREATE TRIGGER audit_changeevent_append_only BEFORE UPDATE OR DELETE ON audit_changeevent
    FOR EACH ROW EXECUTE FUNCTION audit_reject_rewrite();

-- Installed on audited tables by napiter.audit.operations.AuditTable. TG_ARGV[0] names the primary key
-- column, the rest are columns whose values must not be copied into the log (a password hash): the log
-- still shows that they changed.
CREATE FUNCTION audit_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    pk text;
    i integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        new_row := to_jsonb(NEW);
        pk := new_row ->> TG_ARGV[0];
    ELSIF TG_OP = 'DELETE' THEN
        old_row := to_jsonb(OLD);
        pk := old_row ->> TG_ARGV[0];
    ELSIF TG_OP = 'UPDATE' THEN
        pk := to_jsonb(NEW) ->> TG_ARGV[0];
        SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, n.value)
          INTO old_row, new_row
          FROM jsonb_each(to_jsonb(OLD)) AS o JOIN jsonb_each(to_jsonb(NEW)) AS n ON n.key = o.key
         WHERE o.value IS DISTINCT FROM n.value;
        IF old_row IS NULL THEN
            RETURN NULL;  -- nothing changed: Django's save() rewrites every column
        END IF;
    END IF;
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        IF old_row ? TG_ARGV[i] THEN
            old_row := jsonb_set(old_row, ARRAY[TG_ARGV[i]], '"[disamarkan]"');
        END IF;
        IF new_row ? TG_ARGV[i] THEN
            new_row := jsonb_set(new_row, ARRAY[TG_ARGV[i]], '"[disamarkan]"');
        END IF;
    END LOOP;
    INSERT INTO audit_changeevent (table_name, operation, row_pk, old, new, user_id, db_user, transaction_id)
    VALUES (
        TG_TABLE_NAME, TG_OP, pk, old_row, new_row,
        nullif(current_setting('napiter.user_id', true), '')::bigint,
        session_user, pg_current_xact_id()::text::bigint
    );
    RETURN NULL;
END
$$;
"""

REVERSE_SQL = """
DROP TRIGGER audit_accessevent_chain ON audit_accessevent;
DROP TRIGGER audit_accessevent_append_only ON audit_accessevent;
DROP TRIGGER audit_changeevent_chain ON audit_changeevent;
DROP TRIGGER audit_changeevent_append_only ON audit_changeevent;
DROP FUNCTION audit_record_change();
DROP FUNCTION audit_reject_rewrite();
DROP FUNCTION audit_changeevent_chain();
DROP FUNCTION audit_accessevent_chain();
DROP FUNCTION audit_hash(text, text);
DROP FUNCTION audit_time(timestamptz);
DROP FUNCTION audit_chain_lock();
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='waktu')),
                ('user_id', models.BigIntegerField(blank=True, null=True, verbose_name='ID pengguna')),
                ('username', models.CharField(max_length=150, verbose_name='nama pengguna')),
                ('office_id', models.BigIntegerField(blank=True, null=True, verbose_name='ID kantor')),
                ('office_name', models.CharField(blank=True, max_length=200, verbose_name='kantor')),
                ('action', models.CharField(choices=[('view', 'lihat'), ('list', 'daftar'), ('search', 'cari'), ('export', 'ekspor'), ('reveal', 'buka data sensitif'), ('download', 'unduh')], max_length=10, verbose_name='tindakan')),
                ('object_type', models.CharField(help_text='app_label.model, mis. cases.person', max_length=100, verbose_name='jenis objek')),
                ('object_id', models.TextField(blank=True, verbose_name='ID objek')),
                ('person_id', models.BigIntegerField(blank=True, null=True, verbose_name='ID orang')),
                ('fields_revealed', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), blank=True, default=list, size=None, verbose_name='kolom yang dibuka')),
                ('reason', models.TextField(blank=True, verbose_name='alasan')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='alamat IP')),
                ('path', models.TextField(blank=True, verbose_name='alamat halaman')),
                ('prev_hash', models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash sebelumnya')),
                ('hash', models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash')),
            ],
            options={
                'verbose_name': 'akses data',
                'verbose_name_plural': 'akses data',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['person_id', 'id'], name='audit_access_person'), models.Index(fields=['user_id', 'id'], name='audit_access_user'), models.Index(fields=['username', 'id'], name='audit_access_username'), models.Index(fields=['office_id', 'id'], name='audit_access_office'), django.contrib.postgres.indexes.BrinIndex(fields=['created_at'], name='audit_access_created')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('action', 'reveal'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='audit_access_reveal_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='ChangeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name='waktu')),
                ('table_name', models.CharField(max_length=63, verbose_name='tabel')),
                ('operation', models.CharField(choices=[('INSERT', 'tambah'), ('UPDATE', 'ubah'), ('DELETE', 'hapus'), ('TRUNCATE', 'kosongkan tabel')], max_length=8, verbose_name='operasi')),
                ('row_pk', models.TextField(blank=True, null=True, verbose_name='kunci baris')),
                ('old', models.JSONField(blank=True, null=True, verbose_name='nilai lama')),
                ('new', models.JSONField(blank=True, null=True, verbose_name='nilai baru')),
                ('user_id', models.BigIntegerField(blank=True, null=True, verbose_name='ID pengguna aplikasi')),
                ('db_user', models.CharField(max_length=63, verbose_name='pengguna basis data')),
                ('transaction_id', models.BigIntegerField(verbose_name='ID transaksi')),
                ('prev_hash', models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash sebelumnya')),
                ('hash', models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash')),
            ],
            options={
                'verbose_name': 'perubahan data',
                'verbose_name_plural': 'perubahan data',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['table_name', 'row_pk', 'id'], name='audit_change_row'), models.Index(fields=['user_id', 'id'], name='audit_change_user'), django.contrib.postgres.indexes.BrinIndex(fields=['created_at'], name='audit_change_created')],
            },
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
