-- Loaded into every design's database before its schema.sql.
--
-- uuidv7(seq): a UUIDv7 as the product's enqueue writes ids (packages/core/src/ids.ts): 48 bits
-- of Unix milliseconds, version 7 with a 12-bit counter (the row's place in its batch, so ids
-- of one batch increase), then the random variant half of a v4 UUID. Postgres 15 has no
-- built-in one.
CREATE FUNCTION uuidv7(seq integer) RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                || int2send((28672 | (seq & 4095))::smallint)
                || substring(uuid_send(gen_random_uuid()) FROM 9), 'hex')::uuid
$$;

-- The smallest UUIDv7 of a moment: prune deletes finished rows by primary-key range
-- (id < uuidv7_floor(threshold)) in the designs without a finished_at index.
CREATE FUNCTION uuidv7_floor(at timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3) || '\x70000000000000000000'::bytea, 'hex')::uuid
$$;

-- ~100 bytes of JSON arguments per task, different for every task (as `enqueue` writes
-- `[{...}]`): the product stores args as a jsonb array.
CREATE FUNCTION bench_args(n bigint) RETURNS jsonb LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT jsonb_build_array(jsonb_build_object(
    'n', n,
    'user', 'user-' || (random() * 1e9)::bigint,
    'email', 'someone.' || n || '@example.com',
    'note', 'resize to 640x480'))
$$;
