-- Issue 20: a subscription's extra headers are sealed at rest like its secrets. headers_enc holds the
-- SecretBox-sealed JSON object {name: value} (src/infra/crypto/headerStore.ts); `headers` stays empty.
-- SQL cannot seal: rows written before this migration keep their clear values in `headers` until the first
-- process holding the secret key seals them (sealLegacyHeaders, run by checkSecretKey at every start).
ALTER TABLE subscriptions ADD COLUMN headers_enc text;

-- The attempt log never keeps an extra header's value: the values already recorded are redacted, once.
UPDATE attempts a
   SET request_headers = (
     SELECT jsonb_object_agg(e.key, CASE WHEN lower(e.key) IN (SELECT lower(k) FROM jsonb_object_keys(s.headers) AS k)
                                         THEN '"[redacted]"'::jsonb ELSE e.value END)
       FROM jsonb_each(a.request_headers) AS e)
  FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
 WHERE d.id = a.delivery_id
   AND jsonb_typeof(s.headers) = 'object' AND s.headers <> '{}'::jsonb
   AND jsonb_typeof(a.request_headers) = 'object' AND a.request_headers <> '{}'::jsonb;
