#pragma once
// The storage interface (DESIGN §6). SQL lives behind it; the service layer sees only these
// methods. Writes run as units of work on one writer thread that commits them in groups;
// reads use their own connections and never wait for the writer.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/audit_entry.hpp"
#include "clue_router/domain/stats.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/ticket_note.hpp"
#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sealed_clues.hpp"

namespace clue_router::storage {

// A storage failure (I/O error, disk full, constraint broken). The message is technical and
// never contains record contents.
class StorageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Operations available inside one unit of work. Everything done through one transaction
// becomes durable together, or not at all.
class WriteTransaction {
  public:
    virtual ~WriteTransaction() = default;

    virtual std::optional<IdempotencyRecord> find_idempotency(const std::string& agency_id,
                                                              const std::string& key) = 0;
    virtual void insert_idempotency(const IdempotencyRecord& record) = 0;
    // Deletes records created before the cutoff; returns how many went.
    virtual int purge_idempotency(Timestamp created_before) = 0;
    // Rewrites one row of a quarter MiB: a write that needs the disk and nothing else, so
    // that a database whose writes failed can be seen to take them again with no traffic.
    // As large as a big group of clues, so that room for the probe is room for real work.
    virtual void touch_write_probe(Timestamp at) = 0;

    // Seals the clue's personal data and writes it; the overload taking a SealedClue writes
    // one sealed beforehand by Store::seal_clue (the same clue, the same key).
    virtual void insert_clue(const StoredClue& clue) = 0;
    virtual void insert_clue(const StoredClue& clue, const SealedClue& sealed) = 0;
    virtual void insert_screening(const StoredScreening& screening) = 0;
    // Clues still open (waiting for review, or with an unfinished ticket), by id after the
    // cursor; at most `limit` (≤ 201).
    virtual std::vector<StoredClue> open_clues(const std::optional<std::string>& after_id,
                                               int limit) = 0;
    virtual std::optional<StoredScreening> latest_screening(const std::string& clue_id) = 0;
    virtual void update_clue_priority(const std::string& clue_id, domain::Priority priority) = 0;
    // The criteria versions put into service, each with the content it stands for
    // (storage/sqlite_criteria); a version is recorded once and never changed.
    virtual std::optional<CriteriaVersion> find_criteria_version(const std::string& version) = 0;
    virtual void insert_criteria_version(const CriteriaVersion& version) = 0;
    // Re-encrypts up to `limit` clues whose personal data is not sealed under the current
    // data key (or not sealed at all: rows from before encryption); returns how many.
    virtual int reseal_clues(int limit) = 0;
    // The same for every other sealed column (storage/sealed_columns: webhook secrets, stored
    // replies, sealed free text): up to `limit` values; returns how many.
    virtual int reseal_sealed_columns(int limit) = 0;
    // A reason given for reading personal data (break-glass), sealed; the audit row names it
    // by `id`, so the hash chain holds no free text and survives key rotation.
    virtual void insert_audit_reason(const std::string& id, const std::string& reason,
                                     Timestamp at) = 0;

    // Same person, same case (storage/sqlite_cases). A clue is inserted with its case_id; the
    // case row comes first.
    virtual void insert_case(const CaseRecord& record) = 0;
    // Writes status, priority, closed_at and merged_into.
    virtual void update_case(const CaseRecord& record) = 0;
    virtual std::optional<CaseRecord> find_case(const std::string& id) = 0;
    // The clue's clear columns (no decryption), or nullopt.
    virtual std::optional<CaseClue> clue_ref(const std::string& clue_id) = 0;
    // The case's record, clues, tickets and coverage; nullopt when there is no such case.
    virtual std::optional<CaseFacts> case_facts(const std::string& case_id) = 0;
    // The blind-indexed identifiers of the case's clues (purged clues have none).
    virtual domain::CaseIdentity case_identity(const std::string& case_id) = 0;
    // Clues of other open cases sharing an identifier with a clue of this case.
    virtual std::vector<CaseMatch> open_case_matches(const std::string& case_id) = 0;
    // Of two cases, the one opened first (by its creation time, then by the order written).
    virtual std::string older_case(const std::string& case_id, const std::string& other) = 0;
    // Whether staff separated a clue of one case from a clue of the other (unlinked them).
    virtual bool separated(const std::string& case_id, const std::string& other_case_id) = 0;
    // Moves every clue of `from` to `into` (their tickets follow: a ticket is its clue's).
    virtual void move_case_clues(const std::string& from, const std::string& into) = 0;
    virtual void set_clue_case(const std::string& clue_id, const std::string& case_id) = 0;
    // The ticket carries the clue from now on; false when it already did.
    virtual bool cover(const std::string& ticket_id, const std::string& clue_id, Timestamp at) = 0;
    virtual bool uncover(const std::string& ticket_id, const std::string& clue_id) = 0;
    // Staff said the two clues are not the same woman (both ways); or withdrew that.
    virtual void separate_clues(const std::string& clue_id, const std::string& other_id,
                                Timestamp at, const std::string& by) = 0;
    virtual void remove_separations(const std::string& case_id,
                                    const std::string& other_case_id) = 0;
    // The clue with its first sender-side reference, for the "same reference twice" check.
    virtual std::optional<std::string> clue_by_reference(const std::string& sender_agency,
                                                         const std::string& reference) = 0;
    virtual bool link_clues(const ClueLink& link) = 0;
    virtual bool unlink_clues(const std::string& clue_id, const std::string& other_id) = 0;
    // Removes the clue's links to every clue of the case.
    virtual void unlink_clue_from_case(const std::string& clue_id, const std::string& case_id) = 0;
    virtual std::vector<domain::Ticket> tickets_of_clue(const std::string& clue_id) = 0;
    virtual std::optional<StoredClue> find_clue(const std::string& id) = 0;
    // Writes status, review_reason, dismissal_reason, reviewed_by_key and reviewed_at.
    virtual void update_clue_review(const StoredClue& clue) = 0;

    virtual void insert_ticket(const domain::Ticket& ticket) = 0;
    virtual std::optional<domain::Ticket> find_ticket(const std::string& id) = 0;
    // Writes the ticket if the stored version is still expected_version; the caller has
    // already set ticket.version to expected_version + 1. Returns false when it was not.
    virtual bool update_ticket(const domain::Ticket& ticket, std::int64_t expected_version) = 0;
    // The open tickets (not rejected, closed or cancelled) of the agency's inbox that the
    // person has taken, by id: what must go back to the inbox when her account is disabled.
    virtual std::vector<domain::Ticket> open_tickets_assigned_to(const std::string& agency_id,
                                                                 const std::string& person_id) = 0;
    // Appends an event and returns its sequence number.
    virtual std::int64_t append_event(const domain::TicketEvent& event) = 0;
    // Open tickets whose deadline passed at `now` and that are not marked overdue yet:
    // pending past accept_by, accepted / in progress / on hold past close_by. Oldest
    // deadline first, at most `limit` (≤ 201).
    virtual std::vector<domain::Ticket> due_tickets(Timestamp now, int limit) = 0;

    virtual void insert_api_key(const ApiKey& key, const std::string& key_hash) = 0;
    virtual bool revoke_api_key(const std::string& key_id, Timestamp at) = 0;
    virtual void touch_api_key(const std::string& key_id, Timestamp at) = 0;

    // People and their sessions (storage/sqlite_people).
    virtual void insert_person(const Person& person) = 0;
    virtual std::optional<Person> find_person(const std::string& id) = 0;
    // Writes password_hash, password_changed_at and disabled_at; false when there is no such
    // person.
    virtual bool update_person(const Person& person) = 0;
    // Writes the second factor (totp_secret, totp_enrolled_at, totp_last_step,
    // recovery_code_hashes) alone; false when there is no such person.
    virtual bool update_second_factor(const Person& person) = 0;
    virtual void insert_session(const SessionRecord& session) = 0;
    // Moves last_seen_at forward (never back); false when the session is gone.
    virtual bool touch_session(const std::string& token_hash, Timestamp at) = 0;
    virtual bool delete_session(const std::string& token_hash) = 0;
    // Ends every session of the person; returns how many there were.
    virtual int delete_sessions_of(const std::string& person_id) = 0;

    // Inserts, or replaces and bumps the version; returns the stored version. Agencies carry
    // the database's own time of change (updated_at), for operators, not for logic.
    virtual std::int64_t upsert_agency(const domain::Agency& agency) = 0;
    virtual std::optional<StoredAgency> find_agency(const std::string& id) = 0;
    virtual std::vector<StoredAgency> agency_records() = 0;
    // Replaces the agency if its stored version is still expected_version (the version
    // becomes expected_version + 1); false when it was not.
    virtual bool update_agency(const domain::Agency& agency, std::int64_t expected_version) = 0;

    // Retention: clues closed before the cutoff, and the removal of one's personal data
    // (false when already purged).
    virtual std::vector<PurgeCandidate> purge_candidates(Timestamp closed_before, int limit) = 0;
    virtual bool purge_personal_data(const std::string& clue_id, Timestamp at) = 0;

    // The audit trail (append only; service/audit_trail computes the chain).
    virtual std::optional<domain::AuditEntry> last_audit_entry() = 0;
    virtual void append_audit(const domain::AuditEntry& entry) = 0;
    // Closing the loop (outcomes, clue answered): storage/sqlite_outcomes.
    virtual void update_clue_status(const std::string& clue_id, ClueStatus status) = 0;
    virtual void insert_closure(const TicketClosure& closure) = 0;

    // Work over time (storage/sqlite_ticket_work): notes (text sealed at rest) and measures.
    virtual void insert_note(const domain::TicketNote& note) = 0;
    virtual void insert_measure(const domain::RecordedMeasure& measure) = 0;
    virtual std::optional<domain::RecordedMeasure> find_measure(const std::string& id) = 0;
    virtual std::vector<domain::RecordedMeasure> measures_of(const std::string& ticket_id) = 0;
    // Writes the measure if its stored version is still expected_version (the caller set
    // measure.version to expected_version + 1); false when it was not.
    virtual bool update_measure(const domain::RecordedMeasure& measure,
                                std::int64_t expected_version) = 0;

    // Webhooks (storage/sqlite_webhooks). append_event above also writes the outbox rows of
    // a ticket event: every event reaches partners through that one place.
    // Outbox rows for a clue event (clue.needs_review, clue.answered) to the sender.
    virtual void enqueue_clue_webhook(const std::string& type, const std::string& clue_id,
                                      Timestamp at) = 0;
    virtual void insert_webhook_endpoint(const WebhookEndpoint& endpoint) = 0;
    // Writes url, event types, enabled, secrets; false when there is no such endpoint.
    virtual bool update_webhook_endpoint(const WebhookEndpoint& endpoint) = 0;
    virtual std::optional<WebhookEndpoint> find_webhook_endpoint(const std::string& id) = 0;
    virtual bool delete_webhook_endpoint(const std::string& id) = 0;
    virtual void record_delivery_attempt(const DeliveryAttempt& attempt) = 0;
    // Puts a delivery back in the queue, due at `at`, with a fresh retry schedule.
    virtual bool retry_delivery(const std::string& id, Timestamp at) = 0;
    virtual std::optional<WebhookDelivery> find_delivery(const std::string& id) = 0;
    virtual void upsert_inbound_secret(const InboundSecret& secret) = 0;
    virtual std::optional<InboundSecret> find_inbound_secret(const std::string& agency_id) = 0;
    // The stored answer to an inbound webhook-id, so a repeat gets the same answer.
    virtual std::optional<InboundAnswer> find_inbound_answer(const std::string& agency_id,
                                                             const std::string& webhook_id) = 0;
    virtual void insert_inbound_answer(const std::string& agency_id, const std::string& webhook_id,
                                       const InboundAnswer& answer, Timestamp at) = 0;
};

// A read-only view. Each Reader holds one pooled connection until destroyed; hold it for
// one request, not longer.
class Reader {
  public:
    virtual ~Reader() = default;

    virtual int schema_version() = 0;

    virtual std::optional<ApiKey> find_api_key_by_hash(const std::string& key_hash) = 0;
    virtual std::vector<ApiKey> list_api_keys() = 0;

    virtual std::optional<Person> find_person(const std::string& id) = 0;
    virtual std::optional<Person> find_person_by_username(const std::string& username) = 0;
    // Everyone, by id; or the people of one agency.
    virtual std::vector<Person> list_people(const std::optional<std::string>& agency_id) = 0;
    virtual std::optional<SessionRecord> find_session(const std::string& token_hash) = 0;

    virtual std::optional<IdempotencyRecord> find_idempotency(const std::string& agency_id,
                                                              const std::string& key) = 0;

    virtual std::optional<StoredClue> find_clue(const std::string& id) = 0;
    virtual std::optional<StoredScreening> latest_screening(const std::string& clue_id) = 0;
    // Every screening of a clue, oldest first: re-screening adds, never replaces.
    virtual std::vector<StoredScreening> screenings_of(const std::string& clue_id) = 0;
    virtual std::vector<domain::Ticket> tickets_of_clue(const std::string& clue_id) = 0;
    virtual std::vector<ClueLink> clue_links(const std::string& clue_id) = 0;
    virtual std::vector<StoredClue> review_queue(const ReviewQuery& query) = 0;

    virtual std::optional<domain::Ticket> find_ticket(const std::string& id) = 0;
    virtual std::vector<domain::Ticket> list_tickets(const TicketQuery& query) = 0;
    virtual std::vector<domain::TicketEvent> ticket_history(const std::string& ticket_id) = 0;

    // Cases (storage/sqlite_cases), read without decrypting anything.
    virtual std::optional<CaseClue> clue_ref(const std::string& clue_id) = 0;
    virtual std::optional<CaseFacts> case_facts(const std::string& case_id) = 0;
    virtual std::optional<CaseRecord> find_case(const std::string& id) = 0;
    virtual CaseSnapshot case_snapshot() = 0;
    // Notes (opened) and measures of a ticket, oldest first.
    virtual std::vector<domain::TicketNote> notes_of(const std::string& ticket_id) = 0;
    virtual std::vector<domain::RecordedMeasure> measures_of(const std::string& ticket_id) = 0;

    virtual std::vector<domain::Agency> agencies() = 0;

    virtual std::vector<PurgeCandidate> purge_candidates(Timestamp closed_before, int limit) = 0;

    // Audit rows with seq > after_seq, oldest first, at most `limit` (≤ 1000).
    virtual std::vector<domain::AuditEntry> audit_entries(std::int64_t after_seq, int limit) = 0;
    // The clear text of a reason stored with insert_audit_reason; nullopt when there is none.
    virtual std::optional<std::string> audit_reason(const std::string& id) = 0;
    virtual std::optional<TicketClosure> closure_of(const std::string& ticket_id) = 0;

    virtual std::vector<WebhookEndpoint> webhook_endpoints(
        const std::optional<std::string>& agency_id) = 0;
    virtual std::optional<WebhookEndpoint> find_webhook_endpoint(const std::string& id) = 0;
    // Pending deliveries due by `now` on enabled endpoints, each the oldest pending one of its
    // (endpoint, ordering key): a later event of a ticket never overtakes an earlier one. At
    // most per_endpoint for each endpoint, and fair between endpoints: every endpoint's oldest
    // comes before any endpoint's second oldest, and so on, up to `limit` in all.
    virtual std::vector<WebhookDelivery> due_deliveries(Timestamp now, int per_endpoint,
                                                        int limit) = 0;
    // The earliest next_attempt_at of any pending delivery on an enabled endpoint.
    virtual std::optional<Timestamp> next_delivery_due() = 0;
    virtual std::vector<WebhookDelivery> list_deliveries(const DeliveryQuery& query) = 0;
    virtual std::optional<WebhookDelivery> find_delivery(const std::string& id) = 0;
    virtual std::optional<InboundSecret> find_inbound_secret(const std::string& agency_id) = 0;
    // Tickets addressed to `recipient_agency` whose clue has this external reference.
    virtual std::vector<domain::Ticket> tickets_by_clue_reference(
        const std::string& reference, const std::string& recipient_agency) = 0;

    virtual std::vector<StoredAgency> agency_records() = 0;
    virtual std::optional<StoredAgency> find_agency(const std::string& id) = 0;

    // Progress figures (storage/sqlite_figures): one fact per clue received and per ticket
    // handed over in the query's window and scope — codes, statuses and times, never a
    // clue's contents — and the secret their record keys are derived from.
    virtual domain::StatsFacts stats_facts(const domain::StatsQuery& query) = 0;
    virtual std::string figures_secret() = 0;
};

// Whether the database takes writes, as the writer last found. A group whose BEGIN or
// COMMIT fails, or a unit that fails because the file cannot be written (disk full, I/O
// error, read-only, file too large), starts a failure; a group that commits with no such
// failure, a few seconds after the last one (SqliteOptions::recovery_quiet), ends it.
// Readiness (/readyz) fails meanwhile.
struct WriteHealth {
    bool failing = false;
    std::uint64_t episodes = 0;  // times writes began to fail since the store opened
    std::uint64_t failures = 0;  // failed groups and units, since the store opened
    std::string error;           // SQLite's words for the last failure; never record contents
};

class Store {
  public:
    virtual ~Store() = default;

    using Work = std::function<void(WriteTransaction&)>;
    // Called once per unit of work, on the writer thread, after the group's COMMIT (null
    // exception) or after its failure. Must not block: post the rest of the work elsewhere.
    using Done = std::function<void(std::exception_ptr)>;

    // Queues a unit of work. It runs inside its own savepoint: if it throws, only its own
    // changes are rolled back and Done receives the exception; the rest of the group commits.
    // After stop() has begun, Done receives a StorageError("store is stopping") at once.
    virtual void write(Work work, Done done) = 0;

    virtual std::unique_ptr<Reader> reader() = 0;

    // The clue's personal data sealed under the current data key, computed on the calling
    // thread, for WriteTransaction::insert_clue. Throws StorageError without a data key.
    virtual SealedClue seal_clue(const StoredClue& clue) const = 0;

    // Runs every queued unit of work, commits, and stops the writer thread. Idempotent.
    virtual void stop() = 0;

    // Safe from any thread; never waits for the writer.
    virtual WriteHealth write_health() const = 0;
};

// Runs one unit of work and waits for its commit; rethrows its failure. For command-line
// tools and start-up, never for request handling.
void write_and_wait(Store& store, const Store::Work& work);

}  // namespace clue_router::storage
