-- The table nfips-pgsql.conf writes: psql -d nfips_soc -f nfips-pgsql.sql
-- One row per record and sensor; the columns a SOC filters on come from
-- the EVE record itself (PostgreSQL 12+ generated columns).
CREATE TABLE IF NOT EXISTS nfips_alerts (
	id         bigserial PRIMARY KEY,
	received   timestamptz NOT NULL DEFAULT now(),
	sensor     text NOT NULL,
	msgid      text NOT NULL,
	eve        jsonb NOT NULL,
	sequence   bigint GENERATED ALWAYS AS ((eve->'nfips'->>'sequence')::bigint) STORED,
	sid        bigint GENERATED ALWAYS AS ((eve->'alert'->>'signature_id')::bigint) STORED,
	grade      text GENERATED ALWAYS AS (eve->'nfips'->>'grade') STORED,
	UNIQUE (sensor, sequence)
);
CREATE INDEX IF NOT EXISTS nfips_alerts_sid ON nfips_alerts (sid);
