#include "clue_router/storage/migrations.hpp"

#include <span>
#include <string>

namespace clue_router::storage::migrations {
namespace {

struct Migration {
    int version;
    const char* sql;
};

// Append only: a released migration is never edited, since databases in the field already
// ran it. Tables are STRICT so a value bound with the wrong type fails loudly instead of being
// stored as whatever SQLite's type affinity makes of it. Times are RFC 3339 text in UTC with
// milliseconds (domain::format_rfc3339), which sorts in time order and reads well in the CLI.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    parent TEXT,
    services_json TEXT NOT NULL,
    accepts_referrals INTEGER NOT NULL CHECK (accepts_referrals IN (0, 1)),
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
) STRICT;

CREATE TABLE clues (
    id TEXT PRIMARY KEY,
    sender_agency TEXT NOT NULL,
    submitted_by_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    reference TEXT NOT NULL,
    received_at TEXT NOT NULL,
    region TEXT NOT NULL,
    status TEXT NOT NULL,
    review_reason TEXT,
    priority TEXT NOT NULL,
    body_json TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX clues_by_status ON clues (status, id);
CREATE INDEX clues_by_sender ON clues (sender_agency, id);

-- Foreign keys tie the records of one submission together (they are written in one unit of
-- work, clue first). Agencies and keys are not referenced: the directory may come from
-- configuration before it is ever stored.
CREATE TABLE screenings (
    id INTEGER PRIMARY KEY,
    clue_id TEXT NOT NULL REFERENCES clues (id),
    criteria_version TEXT NOT NULL,
    score INTEGER NOT NULL,
    priority TEXT NOT NULL,
    result_json TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX screenings_by_clue ON screenings (clue_id, id);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    clue_id TEXT NOT NULL REFERENCES clues (id),
    sender_agency TEXT NOT NULL,
    recipient_agency TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    version INTEGER NOT NULL,
    outcome TEXT,
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_by_recipient ON tickets (recipient_agency, id);
CREATE INDEX tickets_by_recipient_status ON tickets (recipient_agency, status, id);
CREATE INDEX tickets_by_sender ON tickets (sender_agency, id);
CREATE INDEX tickets_by_sender_status ON tickets (sender_agency, status, id);
CREATE INDEX tickets_by_clue ON tickets (clue_id);

CREATE TABLE ticket_events (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    type TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_agency TEXT NOT NULL,
    actor_key TEXT NOT NULL,
    reason TEXT,
    outcome TEXT,
    at TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, sequence);

CREATE TABLE idempotency (
    agency_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    location TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_by_created ON idempotency (created_at);
)sql"},
    {2, R"sql(
-- Issue 6: personal data encrypted at rest, same-person links, the audit chain, retention.

-- The key id the row's personal values are sealed with (each envelope names it too); NULL
-- for a row written before encryption, whose values are clear until rotate-data-key seals
-- them. Rotation finds the rows to re-encrypt by this column alone.
ALTER TABLE clues ADD COLUMN sealed_with TEXT;
-- When retention removed the row's personal data; the anonymised rest stays for figures.
ALTER TABLE clues ADD COLUMN personal_data_purged_at TEXT;
CREATE INDEX clues_by_sealed_with ON clues (sealed_with);

-- The blind index: HMAC-SHA256 of each normalised identifier of the subject, under a key
-- that is not in the database. Exact lookups without decrypting anything.
CREATE TABLE clue_identifiers (
    clue_id TEXT NOT NULL REFERENCES clues (id),
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (clue_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX clue_identifiers_by_digest ON clue_identifiers (digest, clue_id);

-- Same person, same case. Kept in both directions so either clue finds the other with one
-- index lookup.
CREATE TABLE clue_links (
    clue_id TEXT NOT NULL REFERENCES clues (id),
    linked_clue_id TEXT NOT NULL REFERENCES clues (id),
    basis TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (clue_id, linked_clue_id)
) STRICT, WITHOUT ROWID;

ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;

-- Who read or changed what. Each row's hash covers the previous row's hash and the row's
-- canonical form (service/audit_trail), so an edit, a deletion or a reordering breaks the
-- chain where it happened. The triggers keep honest code from changing history; the chain
-- catches everyone else.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    request_id TEXT NOT NULL,
    actor_key TEXT NOT NULL,
    actor_agency TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_record ON audit_log (record_type, record_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    // Closing the loop (issue 5): how each ticket was closed, with its aid measures. Clues
    // gain the status 'answered' (the column is free text, so no change is needed there).
    {3, R"sql(
CREATE TABLE ticket_closures (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id),
    outcome TEXT NOT NULL,
    measures_json TEXT NOT NULL,
    follow_up_ticket TEXT REFERENCES tickets (id),
    closed_by_agency TEXT NOT NULL,
    closed_at TEXT NOT NULL
) STRICT;
)sql"},
    // Webhooks (issue 5): endpoints per agency, the outbox that is also the delivery log,
    // each agency's inbound secret, and the answers given to inbound webhook-ids.
    {4, R"sql(
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    url TEXT NOT NULL,
    event_types_json TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TEXT,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    disabled_reason TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_by_agency ON webhook_endpoints (agency_id, id);

CREATE TABLE webhook_deliveries (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    agency_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_in_order
    ON webhook_deliveries (endpoint_id, ordering_key, status, sequence);
CREATE INDEX webhook_deliveries_by_agency ON webhook_deliveries (agency_id, status, sequence);

CREATE TABLE inbound_secrets (
    agency_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE inbound_messages (
    agency_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, webhook_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX clues_by_reference ON clues (reference);
)sql"},
    // Issue 4: the directory managed through the API (versions for If-Match), deadlines and
    // escalation on tickets, links between the tickets of a rerouted path, and review-queue
    // decisions on clues.
    {5, R"sql(
ALTER TABLE agencies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE tickets ADD COLUMN accept_by TEXT;
ALTER TABLE tickets ADD COLUMN close_by TEXT;
ALTER TABLE tickets ADD COLUMN overdue TEXT CHECK (overdue IN ('accept', 'close'));
ALTER TABLE tickets ADD COLUMN overdue_since TEXT;
ALTER TABLE tickets ADD COLUMN escalated_to TEXT;
-- At most one open ticket per clue, recipient and purpose: a reroute or a hand-routing that
-- would duplicate one fails here even if a check above it had a bug.
CREATE UNIQUE INDEX tickets_one_open ON tickets (clue_id, recipient_agency, purpose)
    WHERE status NOT IN ('rejected', 'closed', 'cancelled');
-- What the sweeper scans: open tickets not yet marked, by the deadline that applies.
CREATE INDEX tickets_accept_due ON tickets (accept_by) WHERE status = 'pending' AND overdue IS NULL;
CREATE INDEX tickets_close_due ON tickets (close_by)
    WHERE status IN ('accepted', 'in_progress', 'on_hold') AND overdue IS NULL;
CREATE INDEX tickets_by_escalated ON tickets (escalated_to, id) WHERE escalated_to IS NOT NULL;

ALTER TABLE ticket_events ADD COLUMN related_ticket TEXT;
ALTER TABLE ticket_events ADD COLUMN related_agency TEXT;

ALTER TABLE clues ADD COLUMN dismissal_reason TEXT;
ALTER TABLE clues ADD COLUMN reviewed_by_key TEXT;
ALTER TABLE clues ADD COLUMN reviewed_at TEXT;
)sql"},
    // Progress figures (GET /v1/stats) select clues and tickets by when they were received or
    // handed over; without these, every request for a month's figures scans both tables.
    {6, R"sql(
CREATE INDEX clues_by_created ON clues (created_at);
CREATE INDEX tickets_by_created ON tickets (created_at);
)sql"},
    // The two partial indexes of version 5 said `status [NOT] IN (three names)`. SQLite
    // evaluates a constant list of more than two values by building a temporary b-tree,
    // and does so for every ticket written: measured, a fifth of a ticket insert's cost
    // (docs/performance.md). The same conditions spelled as comparisons cost nothing extra;
    // the statements that use these indexes spell them the same way, so the planner still
    // matches them.
    {7, R"sql(
DROP INDEX tickets_one_open;
CREATE UNIQUE INDEX tickets_one_open ON tickets (clue_id, recipient_agency, purpose)
    WHERE status <> 'rejected' AND status <> 'closed' AND status <> 'cancelled';
DROP INDEX tickets_close_due;
CREATE INDEX tickets_close_due ON tickets (close_by)
    WHERE (status = 'accepted' OR status = 'in_progress' OR status = 'on_hold')
    AND overdue IS NULL;
)sql"},
    // Issues 13 and 14: the answer to an inbound webhook-id remembers the body it answered
    // (SHA-256 of its bytes), so a reused id with another body is refused instead of replayed;
    // and the reasons given for break-glass reads live sealed outside the hash-chained audit
    // rows, which name them by id (storage/sqlite_sealed_texts).
    {8, R"sql(
ALTER TABLE inbound_messages ADD COLUMN request_hash TEXT;
CREATE TABLE audit_reasons (
    id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
)sql"},
    // Issue 14, item 5. The due-deliveries query takes a few lanes of each endpoint in
    // turn; this index reads one endpoint's pending rows in due order, so a backlog at one
    // endpoint costs another nothing.
    {9, R"sql(
CREATE INDEX webhook_deliveries_due_by_endpoint
    ON webhook_deliveries (endpoint_id, next_attempt_at, sequence) WHERE status = 'pending';
)sql"},
    // Issue 14, item 10. One row the write-health probe rewrites while writes fail, to see
    // them recover without waiting for traffic.
    {10, R"sql(
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT NOT NULL,
    room BLOB NOT NULL
) STRICT;
)sql"},
    // Issue 13: one woman, one case. A case holds the clues about one woman; a ticket carries
    // the clues of its case that were handed over while it was open (ticket_clues); staff can
    // say two clues are not the same woman (case_separations). Notes and measures over time;
    // a transition's reason kept with its event only (sealed there), with a reason code.
    // Existing clues are grouped by their links (a case per connected set of linked clues);
    // a clue that was linked to an open case and got no ticket (the bug this mends) is carried
    // by that case's tickets, and one whose case is finished is answered, its sender told.
    {11, R"sql(
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'merged')),
    priority TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    merged_into TEXT REFERENCES cases (id)
) STRICT;
CREATE INDEX cases_closed ON cases (closed_at) WHERE status = 'closed';

ALTER TABLE clues ADD COLUMN case_id TEXT REFERENCES cases (id);
CREATE INDEX clues_by_case ON clues (case_id, id);
-- "The same report twice": one sender, one reference.
CREATE INDEX clues_by_sender_reference ON clues (sender_agency, reference);

CREATE TABLE ticket_clues (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    clue_id TEXT NOT NULL REFERENCES clues (id),
    added_at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, clue_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_clues_by_clue ON ticket_clues (clue_id, ticket_id);

CREATE TABLE case_separations (
    clue_id TEXT NOT NULL REFERENCES clues (id),
    other_clue_id TEXT NOT NULL REFERENCES clues (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (clue_id, other_clue_id)
) STRICT, WITHOUT ROWID;

-- text is sealed (storage/sqlite_sealed_texts); NULL once retention purged it.
CREATE TABLE ticket_notes (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    author_agency TEXT NOT NULL,
    author_key TEXT NOT NULL,
    text TEXT,
    created_at TEXT NOT NULL,
    purged_at TEXT
) STRICT;
CREATE INDEX ticket_notes_by_ticket ON ticket_notes (ticket_id, id);

CREATE TABLE ticket_measures (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'provided', 'declined')),
    measure_json TEXT NOT NULL,
    status_on TEXT,
    version INTEGER NOT NULL,
    recorded_by_agency TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_measures_by_ticket ON ticket_measures (ticket_id, id);

-- Reasons are sealed from now on; those written before read as they are until
-- rotate-data-key seals them.
ALTER TABLE ticket_events ADD COLUMN reason_code TEXT;
ALTER TABLE ticket_events ADD COLUMN related_clue TEXT;
ALTER TABLE ticket_events ADD COLUMN note_id TEXT;
ALTER TABLE ticket_events ADD COLUMN measure_id TEXT;
-- The last reason no longer lives on the ticket (it is the event's); secure_delete overwrites
-- it.
UPDATE tickets SET reason = NULL;

-- Measures recorded at closing become measures of the ticket.
INSERT INTO ticket_measures (id, ticket_id, type, status, measure_json, version,
                             recorded_by_agency, created_at, updated_at)
SELECT c.ticket_id || '-m' || m.key, c.ticket_id, json_extract(m.value, '$.type'),
       json_extract(m.value, '$.status'), m.value, 1, c.closed_by_agency, c.closed_at, c.closed_at
FROM ticket_closures c, json_each(c.measures_json) m;

-- Cases from links: each clue's case is named after the smallest clue id it is linked to,
-- directly or through others (links are stored both ways).
CREATE TEMP TABLE case_roots AS
WITH RECURSIVE reach (root, id) AS (
    SELECT id, id FROM clues
    UNION
    SELECT reach.root, l.linked_clue_id FROM reach JOIN clue_links l ON l.clue_id = reach.id
)
SELECT id AS clue_id, min(root) AS root FROM reach GROUP BY id;
-- A UUIDv7 per case carrying its first clue's time, so case ids sort by creation too.
CREATE TEMP TABLE case_ids AS
SELECT root, substr(root, 1, 14) || '7' || substr(r, 1, 3) || '-' ||
       substr('89ab', 1 + abs(random()) % 4, 1) || substr(r, 4, 3) || '-' || substr(r, 7, 12)
       AS case_id
FROM (SELECT root, lower(hex(randomblob(9))) AS r FROM (SELECT DISTINCT root FROM case_roots));
INSERT INTO cases (id, status, priority, created_at)
SELECT ci.case_id, 'open', 'low',
       (SELECT min(c.created_at) FROM clues c JOIN case_roots cr ON cr.clue_id = c.id
        WHERE cr.root = ci.root)
FROM case_ids ci;
UPDATE clues SET case_id = (SELECT ci.case_id FROM case_roots cr JOIN case_ids ci
                            ON ci.root = cr.root WHERE cr.clue_id = clues.id);
DROP TABLE case_ids;
DROP TABLE case_roots;

UPDATE cases SET priority = (
    SELECT CASE max(CASE c.priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2
                                    WHEN 'normal' THEN 1 ELSE 0 END)
           WHEN 3 THEN 'urgent' WHEN 2 THEN 'high' WHEN 1 THEN 'normal' ELSE 'low' END
    FROM clues c WHERE c.case_id = cases.id);

-- Every ticket carries the clue it was opened for; a linked clue left without a ticket of its
-- own is carried by the tickets of its case that were not rejected or cancelled.
INSERT INTO ticket_clues (ticket_id, clue_id, added_at) SELECT id, clue_id, created_at FROM tickets;
INSERT OR IGNORE INTO ticket_clues (ticket_id, clue_id, added_at)
SELECT t.id, c.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM clues c JOIN clues o ON o.case_id = c.case_id JOIN tickets t ON t.clue_id = o.id
WHERE c.status = 'routed' AND t.status <> 'rejected' AND t.status <> 'cancelled'
  AND NOT EXISTS (SELECT 1 FROM tickets x WHERE x.clue_id = c.id);

-- A case is closed when nothing of it is open: no open ticket, no clue waiting for review.
UPDATE cases SET status = 'closed',
    closed_at = (SELECT max(at) FROM (
        SELECT c.created_at AS at FROM clues c WHERE c.case_id = cases.id
        UNION ALL SELECT c.reviewed_at FROM clues c WHERE c.case_id = cases.id
        UNION ALL SELECT t.updated_at FROM tickets t JOIN clues c ON c.id = t.clue_id
                  WHERE c.case_id = cases.id))
WHERE NOT EXISTS (SELECT 1 FROM clues c WHERE c.case_id = cases.id AND c.status = 'needs_review')
  AND NOT EXISTS (SELECT 1 FROM tickets t JOIN clues c ON c.id = t.clue_id
                  WHERE c.case_id = cases.id AND t.status <> 'rejected' AND t.status <> 'closed'
                  AND t.status <> 'cancelled');

-- Clues still "routed" in a finished case are answered now, and their senders told, as
-- WriteTransaction::enqueue_clue_webhook would (same payload, to each subscribed endpoint).
CREATE TEMP TABLE newly_answered AS
SELECT c.id, c.sender_agency FROM clues c JOIN cases k ON k.id = c.case_id
WHERE k.status = 'closed' AND c.status = 'routed';
UPDATE clues SET status = 'answered' WHERE id IN (SELECT id FROM newly_answered);
INSERT INTO webhook_deliveries (id, endpoint_id, agency_id, event_type, ordering_key, payload,
                                status, attempts, next_attempt_at, created_at)
SELECT 'msg_' || lower(hex(randomblob(16))), e.id, n.sender_agency, 'clue.answered',
       'clue:' || n.id,
       json_object('data', json_object('clue_id', n.id, 'sender_agency', n.sender_agency,
                                       'status', 'answered'),
                   'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'type', 'clue.answered'),
       'pending', 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM newly_answered n JOIN webhook_endpoints e ON e.agency_id = n.sender_agency
WHERE e.deleted = 0 AND (e.event_types_json = '[]' OR EXISTS
      (SELECT 1 FROM json_each(e.event_types_json) WHERE value = 'clue.answered'));
DROP TABLE newly_answered;
)sql"},
    // Issue 22: every criteria version names one content. Screenings name the version they
    // used and re-screening skips clues already under the current one, so a file changed
    // under the same version string would reach no one; the content each version was first
    // used with is kept (SHA-256 of the canonical document) and another is refused.
    {12, R"sql(
CREATE TABLE criteria_versions (
    version TEXT PRIMARY KEY,
    content_sha256 TEXT NOT NULL,
    first_used_at TEXT NOT NULL
) STRICT;
)sql"},
    // Progress figures (issue 13) date a clue by when the report was received
    // (source.received_at), no longer by when it reached the server: the index moves with the
    // query, so no write pays for an index nothing reads. Aid given is dated by when it was
    // provided (a measure's status_on, else when it was recorded as provided). The secret is
    // what the figures' record keys are derived from (domain/cell_key.hpp): random per
    // database and kept with the records it protects, since whoever holds those can count
    // them exactly anyway.
    {13, R"sql(
DROP INDEX clues_by_created;
CREATE INDEX clues_by_received ON clues (received_at);
CREATE INDEX ticket_measures_provided ON ticket_measures (status_on, created_at)
    WHERE status = 'provided';
CREATE TABLE figures_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
) STRICT;
INSERT INTO figures_secret (id, secret) VALUES (1, lower(hex(randomblob(32))));
)sql"},
    // Issue 14, item 3. A credential made by an admin of another agency must show as such: a
    // key and an inbound secret remember which key made them and for which agency that key
    // acted. Existing keys learn it from the audit row that recorded their making (the row is
    // the evidence; keys made by the command line have none and stay unattributed). An
    // inbound secret gets an id, so a ticket's history can say which secret acted, and the
    // one it replaced keeps its own id while it still verifies. A ticket event names the
    // agency that issued the acting credential when that is not the actor's own.
    {14, R"sql(
ALTER TABLE api_keys ADD COLUMN created_by_key TEXT;
ALTER TABLE api_keys ADD COLUMN created_by_agency TEXT;
UPDATE api_keys SET
    created_by_key = (SELECT a.actor_key FROM audit_log a WHERE a.action = 'api_key.created'
                      AND a.record_type = 'api_key' AND a.record_id = api_keys.id),
    created_by_agency = (SELECT nullif(a.actor_agency, '') FROM audit_log a
                         WHERE a.action = 'api_key.created' AND a.record_type = 'api_key'
                         AND a.record_id = api_keys.id);
ALTER TABLE inbound_secrets ADD COLUMN id TEXT;
ALTER TABLE inbound_secrets ADD COLUMN previous_id TEXT;
ALTER TABLE inbound_secrets ADD COLUMN created_by_key TEXT;
ALTER TABLE inbound_secrets ADD COLUMN created_by_agency TEXT;
ALTER TABLE inbound_secrets ADD COLUMN previous_created_by_agency TEXT;
UPDATE inbound_secrets SET id = 'ins_' || lower(hex(randomblob(16)));
UPDATE inbound_secrets SET previous_id = 'ins_' || lower(hex(randomblob(16)))
    WHERE previous_secret IS NOT NULL;
ALTER TABLE ticket_events ADD COLUMN actor_issued_by TEXT;
)sql"},
    // Issue 14 item 6: a screening's reasons hold words of the narrative (the terms it
    // matched, the negation cues), so its result is sealed from now on
    // (storage/sqlite_screenings). The figures read the matched key groups in SQL: they get a
    // clear column of their own, filled here from the results stored so far, which stay
    // clear until `keys rotate-data-key` seals them (storage/sealed_columns).
    {15, R"sql(
ALTER TABLE screenings ADD COLUMN key_groups TEXT NOT NULL DEFAULT '[]';
UPDATE screenings SET key_groups = coalesce(
    (SELECT json_group_array(json_extract(kg.value, '$.group'))
     FROM json_each(screenings.result_json, '$.key_groups') kg), '[]')
WHERE json_valid(result_json);
)sql"},
    // Personal accounts (issue 15): people sign in with a password (Argon2id, in its PHC
    // string) and hold sessions whose tokens are kept only as SHA-256 hashes. The audit trail
    // and ticket events name the person who acted (her id and display name) beside the key
    // column, which holds her id for her own actions; rows written before stay as they were,
    // and their hashes with them (domain/audit_entry).
    {16, R"sql(
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    agency_id TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    disabled_at TEXT
) STRICT;
CREATE INDEX people_by_agency ON people (agency_id, id);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_person ON sessions (person_id);
ALTER TABLE audit_log ADD COLUMN actor_person TEXT;
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;
ALTER TABLE ticket_events ADD COLUMN actor_person TEXT;
ALTER TABLE ticket_events ADD COLUMN actor_name TEXT;
)sql"},
    // The second factor of people's accounts (issue 15): a TOTP key, sealed with the data
    // keyring (storage/sealed_columns), the time step of the last code accepted (a code is
    // good once), and the SHA-256 of each recovery code not used yet, as a JSON array.
    {17, R"sql(
ALTER TABLE people ADD COLUMN totp_secret TEXT;
ALTER TABLE people ADD COLUMN totp_enrolled_at TEXT;
ALTER TABLE people ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '[]';
)sql"},
    // Taking tickets (issue 15): a ticket names the person of its recipient agency who took
    // it, and inboxes are filtered by her (or by nobody) through an index that ends in the
    // list order; the events of an assignment name whom the ticket went to and came from. A
    // note names the person who wrote it; notes written by people before this version learn
    // it from their own event, which named her then.
    {18, R"sql(
ALTER TABLE tickets ADD COLUMN assignee_person TEXT;
CREATE INDEX tickets_by_assignee ON tickets (recipient_agency, assignee_person, id);
ALTER TABLE ticket_events ADD COLUMN assignee TEXT;
ALTER TABLE ticket_events ADD COLUMN previous_assignee TEXT;
ALTER TABLE ticket_notes ADD COLUMN author_person TEXT;
ALTER TABLE ticket_notes ADD COLUMN author_name TEXT;
UPDATE ticket_notes SET author_person = e.actor_person, author_name = e.actor_name
FROM ticket_events e WHERE e.note_id = ticket_notes.id AND e.actor_person IS NOT NULL;
)sql"},
};

bool has_migrations_table(sqlite::Connection& connection) {
    auto q = connection.query(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    return q->step();
}

}  // namespace

int latest_version() {
    return std::span(kMigrations).back().version;
}

int current_version(sqlite::Connection& connection) {
    if (!has_migrations_table(connection)) return 0;
    auto q = connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    q->step();
    return static_cast<int>(q->int64(0));
}

void migrate(sqlite::Connection& connection) {
    migrate_to(connection, latest_version());
}

void migrate_to(sqlite::Connection& connection, int version) {
    const auto refuse_if_newer = [](int found) {
        if (found > latest_version()) {
            throw StorageError("database schema version " + std::to_string(found) +
                               " is newer than this binary supports (" +
                               std::to_string(latest_version()) +
                               "); run a newer clue-router or restore a matching backup");
        }
    };
    // Checked before anything is written, so an old binary leaves a newer database untouched.
    refuse_if_newer(current_version(connection));

    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT");

    for (const Migration& migration : kMigrations) {
        if (migration.version > version) break;
        sqlite::Transaction tx(connection, sqlite::Transaction::Kind::immediate);
        // Re-read under the write lock: another process may have migrated meanwhile.
        const int current = current_version(connection);
        refuse_if_newer(current);
        if (current >= migration.version) {
            tx.commit();
            continue;
        }
        connection.exec(migration.sql);
        {
            auto q = connection.query(
                "INSERT INTO schema_migrations (version, applied_at) "
                "VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            q->bind_all(migration.version);
            q->run();
        }
        tx.commit();
    }
}

}  // namespace clue_router::storage::migrations
