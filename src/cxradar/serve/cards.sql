-- name: cards
-- grain: one row per subscriber with something to tell a channel, in no particular order
--   (cxradar publish sorts the keys; sorting 2 KB rows here cost minutes at 5M cards)
-- description: the pre-rendered care card (JSON, zh + en) of every subscriber on a list (explicit
--   pool, potential dissatisfied), with the month's care decision (treatment group only), open
--   wait-for-contact flags of any month, do-not-disturb / fatigue from the policies, and the churn
--   band. Control-group customers get neither lists nor care: channels must treat them as usual,
--   or the campaign's comparison is spoiled. Reads the views that cxradar.serve.cards defines
--   over the run's Parquet files (written by DuckDB or Spark alike); ${month} is the run month.
WITH
control AS (
    SELECT DISTINCT msisdn FROM plan WHERE month = '${month}' AND "group" = 'control'
),
pool_lists AS (
    SELECT p.msisdn, json_object(
        'list', 'explicit_pool', 'label_en', 'explicit dissatisfied pool', 'label_zh', '明确不满意客户',
        'kinds', json_array(json_object('kind', p.entry_signal, 'label_en', k.en, 'label_zh', k.zh)),
        'cause', json_object('code', p.cause, 'en', c.en, 'zh', c.zh),
        'since', strftime(p.entered_at, '%Y-%m-%d'),
        'probability', NULL,
        'reasons_en', p.reasons_en, 'reasons_zh', p.reasons_zh
    ) AS entry
    FROM pool p
    LEFT JOIN labels k ON k.kind = 'signal' AND k.code = p.entry_signal
    LEFT JOIN labels c ON c.kind = 'cause' AND c.code = p.cause
),
potential_kinds AS (
    SELECT msisdn, to_json(list(json_object('kind', code, 'label_en', en, 'label_zh', zh) ORDER BY code)) AS kinds
    FROM (SELECT msisdn, unnest(string_split(kinds, ';')) AS code FROM potential) AS split
    LEFT JOIN labels USING (code)
    WHERE labels.kind IS NULL OR labels.kind = 'potential'
    GROUP BY msisdn
),
potential_lists AS (
    SELECT p.msisdn, json_object(
        'list', 'potential', 'label_en', 'potentially dissatisfied', 'label_zh', '潜在不满意客户',
        'kinds', pk.kinds,
        'cause', json_object('code', p.cause, 'en', c.en, 'zh', c.zh),
        'since', NULL,
        'probability', round(p.probability, 4),
        'reasons_en', p.reasons_en, 'reasons_zh', p.reasons_zh
    ) AS entry
    FROM potential p
    JOIN potential_kinds pk USING (msisdn)
    LEFT JOIN labels c ON c.kind = 'cause' AND c.code = p.cause
),
lists AS (
    SELECT msisdn, to_json(list(entry)) AS lists
    FROM (SELECT * FROM pool_lists UNION ALL SELECT * FROM potential_lists) AS l
    WHERE msisdn NOT IN (SELECT msisdn FROM control)
    GROUP BY msisdn
),
care AS (
    SELECT p.msisdn, json_object(
        'care_id', p.id, 'campaign', p.campaign,
        'strategy', p.strategy, 'strategy_en', s.en, 'strategy_zh', s.zh,
        'channel', p.channel, 'channel_en', ch.en, 'channel_zh', ch.zh,
        'remedy_action', p.remedy_action,
        'script_en', p.script_en, 'script_zh', p.script_zh,
        'decision_en', p.decision_en, 'decision_zh', p.decision_zh,
        'policy_note_en', nullif(p.policy_note_en, ''), 'policy_note_zh', nullif(p.policy_note_zh, ''),
        'assigned_at', strftime(p.assigned_at, '%Y-%m-%dT%H:%M:%S'),
        'scheduled_date', strftime(p.scheduled_date, '%Y-%m-%d'),
        'allowed_hours', p.allowed_hours
    ) AS care
    FROM plan p
    LEFT JOIN labels s ON s.kind = 'strategy' AND s.code = p.strategy
    LEFT JOIN labels ch ON ch.kind = 'channel' AND ch.code = p.channel
    WHERE p.month = '${month}' AND p."group" = 'treatment'
    QUALIFY row_number() OVER (PARTITION BY p.msisdn ORDER BY p.id) = 1
),
pending_items AS (
    SELECT q.msisdn, to_json(list(json_object(
        'care_id', q.care_id, 'campaign', q.campaign,
        'strategy', 'wait_for_contact', 'channel', p.channel,
        'remedy_action', q.remedy_action,
        'script_en', q.script_en, 'script_zh', q.script_zh,
        'decision_en', q.decision_en, 'decision_zh', q.decision_zh,
        'assigned_at', strftime(coalesce(p.assigned_at, q.created_at), '%Y-%m-%dT%H:%M:%S'),
        'created_at', strftime(q.created_at, '%Y-%m-%dT%H:%M:%S'),
        'expires_at', strftime(q.expires_at, '%Y-%m-%dT%H:%M:%S')
    ) ORDER BY q.created_at, q.care_id)) AS pending
    FROM pending q
    LEFT JOIN plan p ON p.id = q.care_id
    WHERE q.status = 'pending'
    GROUP BY q.msisdn
),
contact AS (
    SELECT msisdn,
        bool_or(reason = 'dnd') AS dnd,
        min(CASE WHEN reason LIKE 'fatigue%' THEN json_object(
            'reason', reason, 'detail_en', detail_en, 'detail_zh', detail_zh) END) AS fatigue
    FROM left_out
    GROUP BY msisdn
),
churn AS (
    SELECT c.msisdn, json_object(
        'band', b.band, 'label_en', b.en, 'label_zh', b.zh,
        'probability', round(c.probability, 4), 'rank', c.rank, 'group_id', c.group_id,
        'reasons_en', c.reasons_en, 'reasons_zh', c.reasons_zh
    ) AS churn
    FROM churners c
    JOIN churn_bands b ON c.probability >= b.at_or_above
    QUALIFY row_number() OVER (PARTITION BY c.msisdn ORDER BY b.at_or_above DESC) = 1
),
subjects AS (
    SELECT msisdn FROM lists UNION SELECT msisdn FROM care UNION SELECT msisdn FROM pending_items
    UNION SELECT msisdn FROM churn
)
SELECT s.msisdn, json_object(
    'month', '${month}',
    'lists', coalesce(l.lists, json_array()),
    'care', care.care,
    'pending', coalesce(q.pending, json_array()),
    'contact', json_object('do_not_disturb', coalesce(ct.dnd, false), 'fatigue', ct.fatigue),
    'churn', churn.churn
)::VARCHAR AS card
FROM subjects s
LEFT JOIN lists l USING (msisdn)
LEFT JOIN care USING (msisdn)
LEFT JOIN pending_items q USING (msisdn)
LEFT JOIN contact ct USING (msisdn)
LEFT JOIN churn USING (msisdn)
