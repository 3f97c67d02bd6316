#include "clue_router/storage/sqlite_store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/time.hpp"
#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/migrations.hpp"
#include "clue_router/storage/sealed_clues.hpp"
#include "clue_router/storage/sealed_columns.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_agencies.hpp"
#include "clue_router/storage/sqlite_audit.hpp"
#include "clue_router/storage/sqlite_cases.hpp"
#include "clue_router/storage/sqlite_criteria.hpp"
#include "clue_router/storage/sqlite_figures.hpp"
#include "clue_router/storage/sqlite_links.hpp"
#include "clue_router/storage/sqlite_outcomes.hpp"
#include "clue_router/storage/sqlite_people.hpp"
#include "clue_router/storage/sqlite_retention.hpp"
#include "clue_router/storage/sqlite_screenings.hpp"
#include "clue_router/storage/sqlite_sealed_texts.hpp"
#include "clue_router/storage/sqlite_ticket_work.hpp"
#include "clue_router/storage/sqlite_webhooks.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// --- column mapping ------------------------------------------------------------------------
// Stored values that no longer parse mean the file was edited by hand or written by a buggy
// build. The messages name the column, never the value: it may be personal data.

template <class T>
T checked(std::optional<T> value, const char* name) {
    if (!value) throw StorageError(std::string("stored ") + name + " has an unknown value");
    return *value;
}

nlohmann::json json_column(const Statement& s, int column, const char* name) {
    auto doc = nlohmann::json::parse(s.text(column), nullptr, false);
    if (doc.is_discarded()) throw StorageError(std::string("stored ") + name + " is not JSON");
    return doc;
}

// A page is never unbounded. The cap is the API's largest page (200) plus one: the service
// reads one row more than it returns to learn whether a next page exists, and a cap of 200
// would hide the next page from a client asking for 200.
constexpr int kMaxPage = 201;

std::int64_t clamp_limit(int limit) {
    return std::clamp(limit, 1, kMaxPage);
}

// The column lists are fixed text shared by the queries that read one kind of row, so the
// row mappers below stay in step with them.
#define TICKET_COLUMNS                                                                       \
    "id, clue_id, sender_agency, recipient_agency, purpose, status, priority, version, "     \
    "outcome, reason, created_at, updated_at, accept_by, close_by, overdue, overdue_since, " \
    "escalated_to, assignee_person"
// What a ticket read selects: its columns, the case of its clue (a ticket belongs to the case
// of the clue it was opened for, so the case is never stored twice) and its assignee's display
// name as her account has it now. For queries whose FROM is `tickets` unaliased.
#define TICKET_CASE "(SELECT case_id FROM clues WHERE clues.id = tickets.clue_id)"
#define TICKET_ASSIGNEE_NAME \
    "(SELECT display_name FROM people WHERE people.id = tickets.assignee_person)"
#define TICKET_READ TICKET_COLUMNS ", " TICKET_CASE ", " TICKET_ASSIGNEE_NAME

domain::Ticket ticket_row(const Statement& s) {
    domain::Ticket t;
    t.id = s.text(0);
    t.clue_id = s.text(1);
    t.sender_agency = s.text(2);
    t.recipient_agency = s.text(3);
    t.purpose = s.text(4);
    t.status = checked(domain::parse_ticket_status(s.text(5)), "tickets.status");
    t.priority = checked(domain::parse_priority(s.text(6)), "tickets.priority");
    t.version = s.int64(7);
    if (!s.is_null(8)) t.outcome = checked(domain::parse_outcome(s.text(8)), "tickets.outcome");
    // Column 9 (reason) is no longer read or written: a reason is its transition's.
    t.created_at = time_column(s, 10, "tickets.created_at");
    t.updated_at = time_column(s, 11, "tickets.updated_at");
    t.accept_by = optional_time_column(s, 12, "tickets.accept_by");
    t.close_by = optional_time_column(s, 13, "tickets.close_by");
    t.overdue = s.optional_text(14);
    t.overdue_since = optional_time_column(s, 15, "tickets.overdue_since");
    t.escalated_to = s.optional_text(16);
    t.assignee_person = s.optional_text(17);
    if (s.column_count() > 18) t.case_id = s.optional_text(18);
    if (s.column_count() > 19) t.assignee_name = s.optional_text(19);
    return t;
}

std::vector<domain::Ticket> ticket_rows(sqlite::Query& q) {
    std::vector<domain::Ticket> out;
    while (q->step()) out.push_back(ticket_row(*q));
    return out;
}

#define CLUE_COLUMNS                                                                        \
    "id, sender_agency, submitted_by_key, status, review_reason, priority, body_json, "     \
    "created_at, sealed_with, personal_data_purged_at, dismissal_reason, reviewed_by_key, " \
    "reviewed_at, case_id"

// Personal values are opened here, on the way out of storage (storage/sealed_clues).
StoredClue clue_row(const Statement& s, const PersonalDataCipher* cipher) {
    StoredClue c;
    c.id = s.text(0);
    c.sender_agency = s.text(1);
    c.submitted_by_key = s.text(2);
    c.status = checked(parse_clue_status(s.text(3)), "clues.status");
    c.review_reason = s.optional_text(4);
    c.priority = checked(domain::parse_priority(s.text(5)), "clues.priority");
    // Stored clues are mapped back, not validated again: they were valid when they came
    // in, and must stay readable whatever intake rules become.
    c.clue =
        open_clue_document(json_column(s, 6, "clues.body_json"), c.id, s.optional_text(8), cipher);
    c.created_at = time_column(s, 7, "clues.created_at");
    c.personal_data_purged_at = optional_time_column(s, 9, "clues.personal_data_purged_at");
    c.dismissal_reason = sqlite_sealed_texts::open_optional(s.optional_text(10), "clues", c.id,
                                                            "dismissal_reason", cipher);
    c.reviewed_by_key = s.optional_text(11);
    c.reviewed_at = optional_time_column(s, 12, "clues.reviewed_at");
    c.case_id = s.optional_text(13).value_or("");
    return c;
}

#define API_KEY_COLUMNS                                                              \
    "id, agency_id, role, label, created_at, expires_at, revoked_at, last_used_at, " \
    "created_by_key, created_by_agency"

ApiKey api_key_row(const Statement& s) {
    ApiKey k;
    k.id = s.text(0);
    k.agency_id = s.text(1);
    k.role = s.text(2);
    k.label = s.text(3);
    k.created_at = time_column(s, 4, "api_keys.created_at");
    k.expires_at = optional_time_column(s, 5, "api_keys.expires_at");
    k.revoked_at = optional_time_column(s, 6, "api_keys.revoked_at");
    k.last_used_at = optional_time_column(s, 7, "api_keys.last_used_at");
    k.created_by_key = s.optional_text(8);
    k.created_by_agency = s.optional_text(9);
    return k;
}

std::optional<IdempotencyRecord> select_idempotency(Connection& c, const PersonalDataCipher* cipher,
                                                    const std::string& agency_id,
                                                    const std::string& key) {
    auto q = c.query(
        "SELECT agency_id, key, request_hash, status, location, body, created_at "
        "FROM idempotency WHERE agency_id = ? AND key = ?");
    q->bind_all(agency_id, key);
    if (!q->step()) return std::nullopt;
    IdempotencyRecord r;
    r.agency_id = q->text(0);
    r.key = q->text(1);
    r.request_hash = q->text(2);
    r.status = static_cast<int>(q->int64(3));
    r.location = q->text(4);
    // The reply holds the masked clue: sealed at rest like the clue itself.
    r.body = sqlite_sealed_texts::open(
        q->text(5), "idempotency", sqlite_sealed_texts::row_of(r.agency_id, r.key), "body", cipher);
    r.created_at = time_column(*q, 6, "idempotency.created_at");
    return r;
}

std::optional<domain::Ticket> select_ticket(Connection& c, const std::string& id) {
    auto q = c.query("SELECT " TICKET_READ " FROM tickets WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return ticket_row(*q);
}

// A case and everything that decides who sees what of it, read without decrypting.
std::optional<CaseFacts> facts_of_case(Connection& c, const std::string& case_id) {
    auto record = sqlite_cases::find(c, case_id);
    if (!record) return std::nullopt;
    CaseFacts facts;
    facts.record = std::move(*record);
    facts.clues = sqlite_cases::clues_of(c, case_id);
    auto q = c.query("SELECT " TICKET_READ
                     " FROM tickets WHERE clue_id IN (SELECT id FROM clues WHERE case_id = ?) "
                     "ORDER BY id");
    q->bind_all(case_id);
    facts.tickets = ticket_rows(q);
    facts.coverage = sqlite_cases::coverage_of(c, case_id);
    return facts;
}

// --- writes --------------------------------------------------------------------------------

class SqliteWriteTransaction final : public WriteTransaction {
  public:
    SqliteWriteTransaction(Connection& c, const PersonalDataCipher* cipher)
        : c_(c), cipher_(cipher) {}

    std::optional<IdempotencyRecord> find_idempotency(const std::string& agency_id,
                                                      const std::string& key) override {
        return select_idempotency(c_, cipher_, agency_id, key);
    }

    void insert_idempotency(const IdempotencyRecord& r) override {
        auto q = c_.query(
            "INSERT INTO idempotency (agency_id, key, request_hash, status, location, body, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q->bind_all(r.agency_id, r.key, r.request_hash, r.status, r.location,
                    sqlite_sealed_texts::seal(r.body, "idempotency",
                                              sqlite_sealed_texts::row_of(r.agency_id, r.key),
                                              "body", cipher_),
                    time_text(r.created_at));
        q->run();
    }

    int purge_idempotency(Timestamp created_before) override {
        auto q = c_.query("DELETE FROM idempotency WHERE created_at < ?");
        q->bind_all(time_text(created_before));
        q->run();
        return c_.changes();
    }

    void touch_write_probe(Timestamp at) override {
        auto q = c_.query(
            "INSERT INTO write_probe (id, written_at, room) VALUES (1, ?, zeroblob(262144)) "
            "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at, "
            "room = excluded.room");
        q->bind_all(time_text(at));
        q->run();
    }

    void insert_clue(const StoredClue& c) override {
        // Personal data is never stored in clear: without a data key there is no clue row.
        insert_clue(c, seal_clue(c.clue, c.id, required_cipher()));
    }

    void insert_clue(const StoredClue& c, const SealedClue& sealed) override {
        auto q = c_.query(
            "INSERT INTO clues (id, sender_agency, submitted_by_key, channel, reference, "
            "received_at, region, status, review_reason, priority, body_json, created_at, "
            "sealed_with, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (c.case_id.empty()) throw std::logic_error("insert_clue: a clue needs its case");
        q->bind_all(c.id, c.sender_agency, c.submitted_by_key, c.clue.source.channel,
                    c.clue.source.reference, time_text(c.clue.source.received_at),
                    c.clue.subject.region, to_string(c.status), c.review_reason,
                    domain::to_string(c.priority), sealed.body_json, time_text(c.created_at),
                    sealed.key_id, c.case_id);
        q->run();
        insert_identifiers(c.id, sealed.identifiers);
    }

    int reseal_clues(int limit) override {
        const PersonalDataCipher& cipher = required_cipher();
        const std::string current = cipher.current_key_id();
        std::vector<StoredClue> batch;
        {
            auto q = c_.query("SELECT " CLUE_COLUMNS
                              " FROM clues WHERE personal_data_purged_at IS NULL AND "
                              "(sealed_with IS NULL OR sealed_with != ?) ORDER BY id LIMIT ?");
            q->bind_all(current, clamp_limit(limit));
            while (q->step()) batch.push_back(clue_row(*q, &cipher));
        }
        for (const StoredClue& c : batch) {
            const SealedClue sealed = seal_clue(c.clue, c.id, cipher);
            auto q = c_.query("UPDATE clues SET body_json = ?, sealed_with = ? WHERE id = ?");
            q->bind_all(sealed.body_json, sealed.key_id, c.id);
            q->run();
            // Its blind index is written afresh with the document, as on insert.
            auto del = c_.query("DELETE FROM clue_identifiers WHERE clue_id = ?");
            del->bind_all(c.id);
            del->run();
            insert_identifiers(c.id, sealed.identifiers);
        }
        return static_cast<int>(batch.size());
    }

    void insert_screening(const StoredScreening& s) override {
        sqlite_screenings::insert(c_, cipher_, s);
    }

    std::vector<StoredClue> open_clues(const std::optional<std::string>& after_id,
                                       int limit) override {
        // Open: the clues of open cases (something of the case is still being handled).
        auto q = c_.query("SELECT " CLUE_COLUMNS
                          " FROM clues WHERE id > ? AND case_id IN "
                          "(SELECT id FROM cases WHERE status = 'open') ORDER BY id LIMIT ?");
        q->bind_all(after_id.value_or(""), clamp_limit(limit));
        std::vector<StoredClue> out;
        while (q->step()) out.push_back(clue_row(*q, cipher_));
        return out;
    }

    std::optional<StoredScreening> latest_screening(const std::string& clue_id) override {
        return sqlite_screenings::latest(c_, cipher_, clue_id);
    }

    void update_clue_priority(const std::string& clue_id, domain::Priority priority) override {
        auto q = c_.query("UPDATE clues SET priority = ? WHERE id = ?");
        q->bind_all(domain::to_string(priority), clue_id);
        q->run();
        // The case's priority follows a clue's up, never down (domain::higher).
        if (auto ref = sqlite_cases::clue_ref(c_, clue_id)) {
            if (auto record = sqlite_cases::find(c_, ref->case_id)) {
                const auto raised = domain::higher(record->priority, priority);
                if (raised != record->priority) {
                    record->priority = raised;
                    sqlite_cases::update(c_, *record);
                }
            }
        }
    }

    std::optional<CriteriaVersion> find_criteria_version(const std::string& version) override {
        return sqlite_criteria::find(c_, version);
    }
    void insert_criteria_version(const CriteriaVersion& version) override {
        sqlite_criteria::insert(c_, version);
    }

    void update_clue_review(const StoredClue& c) override {
        auto q = c_.query(
            "UPDATE clues SET status = ?, review_reason = ?, dismissal_reason = ?, "
            "reviewed_by_key = ?, reviewed_at = ? WHERE id = ?");
        std::optional<std::string> reason;
        if (c.dismissal_reason) {
            reason = sqlite_sealed_texts::seal(*c.dismissal_reason, "clues", c.id,
                                               "dismissal_reason", cipher_);
        }
        q->bind_all(to_string(c.status), c.review_reason, reason, c.reviewed_by_key,
                    time_text(c.reviewed_at), c.id);
        q->run();
    }

    std::vector<domain::Ticket> due_tickets(Timestamp now, int limit) override {
        // Two partial indexes (migrations 5 and 7) hold exactly the tickets each half looks at.
        auto q = c_.query("SELECT " TICKET_READ
                          " FROM tickets WHERE status = 'pending' AND overdue IS NULL "
                          "AND accept_by <= ?1 "
                          "UNION ALL SELECT " TICKET_READ
                          " FROM tickets WHERE (status = 'accepted' OR status = 'in_progress' OR "
                          "status = 'on_hold') "
                          "AND overdue IS NULL AND close_by <= ?1 "
                          "ORDER BY 1 LIMIT ?2");
        q->bind_all(time_text(now), clamp_limit(limit));
        return ticket_rows(q);
    }
    void insert_ticket(const domain::Ticket& t) override {
        auto q = c_.query("INSERT INTO tickets (" TICKET_COLUMNS
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q->bind_all(t.id, t.clue_id, t.sender_agency, t.recipient_agency, t.purpose,
                    domain::to_string(t.status), domain::to_string(t.priority), t.version,
                    outcome_text(t.outcome), std::nullopt, time_text(t.created_at),
                    time_text(t.updated_at), time_text(t.accept_by), time_text(t.close_by),
                    t.overdue, time_text(t.overdue_since), t.escalated_to, t.assignee_person);
        q->run();
        // A ticket always carries the clue it was opened for.
        sqlite_cases::cover(c_, t.id, t.clue_id, t.created_at);
    }

    std::optional<domain::Ticket> find_ticket(const std::string& id) override {
        return select_ticket(c_, id);
    }

    bool update_ticket(const domain::Ticket& t, std::int64_t expected_version) override {
        // The contract says the caller bumps the version; a mismatch is a bug that would
        // otherwise break every later If-Match, so refuse it loudly.
        if (t.version != expected_version + 1) {
            throw std::logic_error("update_ticket: version must be expected_version + 1");
        }
        // Who, what and when a ticket was created never change; only its state does.
        auto q = c_.query(
            "UPDATE tickets SET status = ?, priority = ?, version = ?, outcome = ?, reason = ?, "
            "updated_at = ?, accept_by = ?, close_by = ?, overdue = ?, overdue_since = ?, "
            "escalated_to = ?, assignee_person = ? WHERE id = ? AND version = ?");
        q->bind_all(domain::to_string(t.status), domain::to_string(t.priority), t.version,
                    outcome_text(t.outcome), std::nullopt, time_text(t.updated_at),
                    time_text(t.accept_by), time_text(t.close_by), t.overdue,
                    time_text(t.overdue_since), t.escalated_to, t.assignee_person, t.id,
                    expected_version);
        q->run();
        return c_.changes() == 1;
    }

    std::int64_t append_event(const domain::TicketEvent& e) override {
        auto q = c_.query(
            "INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor_agency, "
            "actor_key, reason_code, outcome, at, related_ticket, related_agency, related_clue, "
            "note_id, measure_id, actor_issued_by, actor_person, actor_name, assignee, "
            "previous_assignee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q->bind_all(e.ticket_id, e.type, e.from_status, e.to_status, e.actor_agency, e.actor_key,
                    e.reason_code, e.outcome, time_text(e.at), e.related_ticket, e.related_agency,
                    e.related_clue, e.note_id, e.measure_id, e.actor_issued_by, e.actor_person,
                    e.actor_name, e.assignee, e.previous_assignee);
        q->run();
        const std::int64_t sequence = c_.last_insert_rowid();
        // The reason is free text: sealed, bound to this very event row.
        if (e.reason)
            sqlite_ticket_work::seal_event_reason(c_, &required_cipher(), sequence, *e.reason);
        // Every ticket event goes through here, so this is the one place that writes its
        // webhook outbox rows, in the same transaction as the change.
        const auto ticket = select_ticket(c_, e.ticket_id);
        if (!ticket) throw StorageError("an event for a ticket that does not exist");
        domain::TicketEvent stored = e;
        stored.sequence = sequence;
        sqlite_webhooks::enqueue_ticket_event(c_, stored, *ticket);
        return sequence;
    }

    void insert_api_key(const ApiKey& k, const std::string& key_hash) override {
        auto q = c_.query("INSERT INTO api_keys (" API_KEY_COLUMNS
                          ", key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q->bind_all(k.id, k.agency_id, k.role, k.label, time_text(k.created_at),
                    time_text(k.expires_at), time_text(k.revoked_at), time_text(k.last_used_at),
                    k.created_by_key, k.created_by_agency, key_hash);
        q->run();
    }

    bool revoke_api_key(const std::string& key_id, Timestamp at) override {
        // The first revocation time stands: revoking twice must not move it.
        auto q = c_.query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
        q->bind_all(time_text(at), key_id);
        q->run();
        return c_.changes() == 1;
    }

    void touch_api_key(const std::string& key_id, Timestamp at) override {
        // Never moves backwards: two servers sharing the file may touch out of order.
        auto q = c_.query(
            "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND "
            "(last_used_at IS NULL OR last_used_at < ?)");
        const std::string when = time_text(at);
        q->bind_all(when, key_id, when);
        q->run();
    }

    void insert_person(const Person& p) override { sqlite_people::insert_person(c_, cipher_, p); }
    std::optional<Person> find_person(const std::string& id) override {
        return sqlite_people::find_person(c_, cipher_, id);
    }
    bool update_person(const Person& p) override { return sqlite_people::update_person(c_, p); }
    bool update_second_factor(const Person& p) override {
        return sqlite_people::update_second_factor(c_, cipher_, p);
    }
    void insert_session(const SessionRecord& s) override { sqlite_people::insert_session(c_, s); }
    bool touch_session(const std::string& token_hash, Timestamp at) override {
        return sqlite_people::touch_session(c_, token_hash, at);
    }
    bool delete_session(const std::string& token_hash) override {
        return sqlite_people::delete_session(c_, token_hash);
    }
    int delete_sessions_of(const std::string& person_id) override {
        return sqlite_people::delete_sessions_of(c_, person_id);
    }

    std::int64_t upsert_agency(const domain::Agency& a) override {
        return sqlite_agencies::upsert(c_, a);
    }
    std::optional<StoredAgency> find_agency(const std::string& id) override {
        return sqlite_agencies::find(c_, id);
    }
    bool update_agency(const domain::Agency& a, std::int64_t expected_version) override {
        return sqlite_agencies::update(c_, a, expected_version);
    }
    std::vector<StoredAgency> agency_records() override { return sqlite_agencies::all(c_); }

    void insert_case(const CaseRecord& r) override { sqlite_cases::insert(c_, r); }
    void update_case(const CaseRecord& r) override { sqlite_cases::update(c_, r); }
    std::optional<CaseRecord> find_case(const std::string& id) override {
        return sqlite_cases::find(c_, id);
    }
    std::optional<CaseClue> clue_ref(const std::string& clue_id) override {
        return sqlite_cases::clue_ref(c_, clue_id);
    }
    std::optional<CaseFacts> case_facts(const std::string& case_id) override {
        return facts_of_case(c_, case_id);
    }
    domain::CaseIdentity case_identity(const std::string& case_id) override {
        return sqlite_cases::identity(c_, case_id);
    }
    std::vector<CaseMatch> open_case_matches(const std::string& case_id) override {
        return sqlite_cases::open_matches(c_, case_id);
    }
    std::string older_case(const std::string& case_id, const std::string& other) override {
        return sqlite_cases::older(c_, case_id, other);
    }
    bool separated(const std::string& case_id, const std::string& other) override {
        return sqlite_cases::separated(c_, case_id, other);
    }
    void move_case_clues(const std::string& from, const std::string& into) override {
        sqlite_cases::move_clues(c_, from, into);
    }
    void set_clue_case(const std::string& clue_id, const std::string& case_id) override {
        sqlite_cases::set_clue_case(c_, clue_id, case_id);
    }
    bool cover(const std::string& ticket_id, const std::string& clue_id, Timestamp at) override {
        return sqlite_cases::cover(c_, ticket_id, clue_id, at);
    }
    bool uncover(const std::string& ticket_id, const std::string& clue_id) override {
        return sqlite_cases::uncover(c_, ticket_id, clue_id);
    }
    void separate_clues(const std::string& clue_id, const std::string& other_id, Timestamp at,
                        const std::string& by) override {
        sqlite_cases::separate(c_, clue_id, other_id, at, by);
    }
    void remove_separations(const std::string& case_id, const std::string& other) override {
        sqlite_cases::remove_separations(c_, case_id, other);
    }
    std::optional<std::string> clue_by_reference(const std::string& sender,
                                                 const std::string& reference) override {
        return sqlite_cases::clue_by_reference(c_, sender, reference);
    }
    void unlink_clue_from_case(const std::string& clue_id, const std::string& case_id) override {
        sqlite_cases::unlink_from_case(c_, clue_id, case_id);
    }
    bool link_clues(const ClueLink& link) override { return sqlite_links::link(c_, link); }
    bool unlink_clues(const std::string& clue_id, const std::string& other_id) override {
        return sqlite_links::unlink(c_, clue_id, other_id);
    }
    std::vector<domain::Ticket> tickets_of_clue(const std::string& clue_id) override {
        auto q = c_.query("SELECT " TICKET_READ " FROM tickets WHERE clue_id = ? ORDER BY id");
        q->bind_all(clue_id);
        return ticket_rows(q);
    }
    std::vector<domain::Ticket> open_tickets_assigned_to(const std::string& agency_id,
                                                         const std::string& person_id) override {
        // tickets_by_assignee (recipient_agency, assignee_person, id) answers it.
        auto q = c_.query("SELECT " TICKET_READ
                          " FROM tickets WHERE recipient_agency = ? AND assignee_person = ? "
                          "AND status NOT IN ('rejected', 'closed', 'cancelled') ORDER BY id");
        q->bind_all(agency_id, person_id);
        return ticket_rows(q);
    }
    std::optional<StoredClue> find_clue(const std::string& id) override {
        auto q = c_.query("SELECT " CLUE_COLUMNS " FROM clues WHERE id = ?");
        q->bind_all(id);
        if (!q->step()) return std::nullopt;
        return clue_row(*q, cipher_);
    }

    std::vector<PurgeCandidate> purge_candidates(Timestamp closed_before, int limit) override {
        return sqlite_retention::candidates(c_, closed_before, limit);
    }
    bool purge_personal_data(const std::string& clue_id, Timestamp at) override {
        if (!sqlite_retention::purge(c_, clue_id, at)) return false;
        sqlite_ticket_work::purge_texts_of_clue(c_, clue_id, at);
        return true;
    }

    std::optional<domain::AuditEntry> last_audit_entry() override {
        return sqlite_audit::last_entry(c_);
    }
    void append_audit(const domain::AuditEntry& entry) override { sqlite_audit::append(c_, entry); }

    void update_clue_status(const std::string& clue_id, ClueStatus status) override {
        sqlite_outcomes::update_clue_status(c_, clue_id, status);
    }

    void insert_closure(const TicketClosure& closure) override {
        sqlite_outcomes::insert_closure(c_, closure);
    }

    void insert_note(const domain::TicketNote& note) override {
        sqlite_ticket_work::insert_note(c_, cipher_, note);
    }
    void insert_measure(const domain::RecordedMeasure& m) override {
        sqlite_ticket_work::insert_measure(c_, m);
    }
    std::optional<domain::RecordedMeasure> find_measure(const std::string& id) override {
        return sqlite_ticket_work::find_measure(c_, id);
    }
    std::vector<domain::RecordedMeasure> measures_of(const std::string& ticket_id) override {
        return sqlite_ticket_work::measures_of(c_, ticket_id);
    }
    bool update_measure(const domain::RecordedMeasure& m, std::int64_t expected) override {
        return sqlite_ticket_work::update_measure(c_, m, expected);
    }

    void enqueue_clue_webhook(const std::string& type, const std::string& clue_id,
                              Timestamp at) override {
        sqlite_webhooks::enqueue_clue_event(c_, type, clue_id, at);
    }
    void insert_webhook_endpoint(const WebhookEndpoint& e) override {
        sqlite_webhooks::insert_endpoint(c_, cipher_, e);
    }
    bool update_webhook_endpoint(const WebhookEndpoint& e) override {
        return sqlite_webhooks::update_endpoint(c_, cipher_, e);
    }
    std::optional<WebhookEndpoint> find_webhook_endpoint(const std::string& id) override {
        return sqlite_webhooks::find_endpoint(c_, cipher_, id);
    }
    bool delete_webhook_endpoint(const std::string& id) override {
        return sqlite_webhooks::delete_endpoint(c_, id);
    }
    void record_delivery_attempt(const DeliveryAttempt& a) override {
        sqlite_webhooks::record_attempt(c_, a);
    }
    bool retry_delivery(const std::string& id, Timestamp at) override {
        return sqlite_webhooks::retry_delivery(c_, id, at);
    }
    std::optional<WebhookDelivery> find_delivery(const std::string& id) override {
        return sqlite_webhooks::find_delivery(c_, id);
    }
    void upsert_inbound_secret(const InboundSecret& s) override {
        sqlite_webhooks::upsert_inbound_secret(c_, cipher_, s);
    }
    std::optional<InboundSecret> find_inbound_secret(const std::string& agency_id) override {
        return sqlite_webhooks::find_inbound_secret(c_, cipher_, agency_id);
    }
    std::optional<InboundAnswer> find_inbound_answer(const std::string& agency_id,
                                                     const std::string& webhook_id) override {
        return sqlite_webhooks::find_inbound_answer(c_, cipher_, agency_id, webhook_id);
    }
    void insert_inbound_answer(const std::string& agency_id, const std::string& webhook_id,
                               const InboundAnswer& answer, Timestamp at) override {
        sqlite_webhooks::insert_inbound_answer(c_, cipher_, agency_id, webhook_id, answer, at);
    }
    int reseal_sealed_columns(int limit) override {
        return sealed_columns::reseal(c_, required_cipher(), limit);
    }
    void insert_audit_reason(const std::string& id, const std::string& reason,
                             Timestamp at) override {
        sqlite_sealed_texts::insert_audit_reason(c_, cipher_, id, reason, time_text(at));
    }

  private:
    static std::optional<std::string> outcome_text(const std::optional<domain::Outcome>& o) {
        if (!o) return std::nullopt;
        return std::string(domain::to_string(*o));
    }

    const PersonalDataCipher& required_cipher() const {
        if (cipher_ == nullptr) {
            throw StorageError("no data key is configured; personal data is never stored in clear");
        }
        return *cipher_;
    }

    // The blind index of the subject's identifiers (replacing any earlier digests, which a
    // re-keyed index would make stale).
    void insert_identifiers(const std::string& clue_id,
                            const std::vector<std::pair<std::string, std::string>>& digests) {
        for (const auto& [kind, digest] : digests) {
            auto q =
                c_.query("INSERT INTO clue_identifiers (clue_id, kind, digest) VALUES (?, ?, ?)");
            q->bind_all(clue_id, kind, digest);
            q->run();
        }
    }

    Connection& c_;
    const PersonalDataCipher* cipher_;
};

// --- reads ---------------------------------------------------------------------------------

// Read-only connections, leased one per Reader. A free connection is waited for, but not
// forever: a request that cannot get one in busy_timeout fails instead of hanging.
class ReaderPool {
  public:
    explicit ReaderPool(std::chrono::milliseconds wait) : wait_(wait) {}

    void add(std::unique_ptr<Connection> c) {
        {
            std::lock_guard lock(mutex_);
            idle_.push_back(std::move(c));
        }
        cv_.notify_one();
    }

    std::unique_ptr<Connection> acquire() {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, wait_, [&] { return !idle_.empty(); })) {
            throw StorageError("no read connection became free in time");
        }
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
    }

  private:
    std::chrono::milliseconds wait_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

class SqliteReader final : public Reader {
  public:
    // The pool is shared so that a Reader kept past the store's end still has somewhere to
    // return its connection to.
    SqliteReader(std::shared_ptr<ReaderPool> pool, const PersonalDataCipher* cipher)
        : pool_(std::move(pool)), c_(pool_->acquire()), cipher_(cipher) {}
    ~SqliteReader() override { pool_->add(std::move(c_)); }

    int schema_version() override { return migrations::current_version(*c_); }

    std::optional<ApiKey> find_api_key_by_hash(const std::string& key_hash) override {
        auto q = c_->query("SELECT " API_KEY_COLUMNS " FROM api_keys WHERE key_hash = ?");
        q->bind_all(key_hash);
        if (!q->step()) return std::nullopt;
        return api_key_row(*q);
    }

    std::vector<ApiKey> list_api_keys() override {
        auto q = c_->query("SELECT " API_KEY_COLUMNS " FROM api_keys ORDER BY id");
        std::vector<ApiKey> out;
        while (q->step()) out.push_back(api_key_row(*q));
        return out;
    }

    std::optional<Person> find_person(const std::string& id) override {
        return sqlite_people::find_person(*c_, cipher_, id);
    }
    std::optional<Person> find_person_by_username(const std::string& username) override {
        return sqlite_people::find_by_username(*c_, cipher_, username);
    }
    std::vector<Person> list_people(const std::optional<std::string>& agency_id) override {
        return sqlite_people::list_people(*c_, cipher_, agency_id);
    }
    std::optional<SessionRecord> find_session(const std::string& token_hash) override {
        return sqlite_people::find_session(*c_, token_hash);
    }

    std::optional<std::string> audit_reason(const std::string& id) override {
        return sqlite_sealed_texts::audit_reason(*c_, cipher_, id);
    }

    std::optional<IdempotencyRecord> find_idempotency(const std::string& agency_id,
                                                      const std::string& key) override {
        return select_idempotency(*c_, cipher_, agency_id, key);
    }

    std::optional<StoredClue> find_clue(const std::string& id) override {
        auto q = c_->query("SELECT " CLUE_COLUMNS " FROM clues WHERE id = ?");
        q->bind_all(id);
        if (!q->step()) return std::nullopt;
        return clue_row(*q, cipher_);
    }

    std::optional<StoredScreening> latest_screening(const std::string& clue_id) override {
        return sqlite_screenings::latest(*c_, cipher_, clue_id);
    }

    std::vector<StoredScreening> screenings_of(const std::string& clue_id) override {
        return sqlite_screenings::of_clue(*c_, cipher_, clue_id);
    }

    std::vector<domain::Ticket> tickets_of_clue(const std::string& clue_id) override {
        auto q = c_->query("SELECT " TICKET_READ " FROM tickets WHERE clue_id = ? ORDER BY id");
        q->bind_all(clue_id);
        return ticket_rows(q);
    }

    std::vector<StoredClue> review_queue(const ReviewQuery& query) override {
        // An absent cursor is the empty string, which sorts before every id.
        const std::string after = query.after_id.value_or("");
        const auto status = to_string(ClueStatus::needs_review);
        if (query.sender_agency) {
            auto q = c_->query("SELECT " CLUE_COLUMNS
                               " FROM clues WHERE sender_agency = ? AND status = ? AND id > ? "
                               "ORDER BY id LIMIT ?");
            q->bind_all(*query.sender_agency, status, after, clamp_limit(query.limit));
            return clue_rows(q);
        }
        auto q = c_->query("SELECT " CLUE_COLUMNS
                           " FROM clues WHERE status = ? AND id > ? ORDER BY id LIMIT ?");
        q->bind_all(status, after, clamp_limit(query.limit));
        return clue_rows(q);
    }

    std::optional<domain::Ticket> find_ticket(const std::string& id) override {
        return select_ticket(*c_, id);
    }

    std::vector<domain::Ticket> list_tickets(const TicketQuery& query) override {
        // Four fixed texts rather than one assembled from pieces: each matches one index,
        // and nothing about the SQL depends on the request.
        if (query.assignee) return assigned_tickets(query);
        if (query.overdue_only || query.box == Box::escalated) return filtered_tickets(query);
        const bool inbox = query.box == Box::inbox;
        const std::string after = query.after_id.value_or("");
        const std::int64_t limit = clamp_limit(query.limit);
        if (query.status) {
            auto q = c_->query(
                inbox ? "SELECT " TICKET_READ
                        " FROM tickets WHERE recipient_agency = ? AND status = ? AND id > ? "
                        "ORDER BY id LIMIT ?"
                      : "SELECT " TICKET_READ
                        " FROM tickets WHERE sender_agency = ? AND status = ? AND id > ? "
                        "ORDER BY id LIMIT ?");
            q->bind_all(query.agency_id, domain::to_string(*query.status), after, limit);
            return ticket_rows(q);
        }
        auto q = c_->query(inbox ? "SELECT " TICKET_READ
                                   " FROM tickets WHERE recipient_agency = ? AND id > ? "
                                   "ORDER BY id LIMIT ?"
                                 : "SELECT " TICKET_READ
                                   " FROM tickets WHERE sender_agency = ? AND id > ? "
                                   "ORDER BY id LIMIT ?");
        q->bind_all(query.agency_id, after, limit);
        return ticket_rows(q);
    }

    // Overdue lists and the escalated box: rarer views, one fixed text per box with optional
    // filters as NULL-able parameters (never SQL assembled from the request).
    std::vector<domain::Ticket> filtered_tickets(const TicketQuery& query) {
        static constexpr const char* kFilters =
            " = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 = 0 OR (overdue IS NOT NULL AND "
            "status NOT IN ('rejected', 'closed', 'cancelled'))) AND id > ?4 ORDER BY id LIMIT ?5";
        static const std::string kInbox =
            std::string("SELECT " TICKET_READ " FROM tickets WHERE recipient_agency") + kFilters;
        static const std::string kOutbox =
            std::string("SELECT " TICKET_READ " FROM tickets WHERE sender_agency") + kFilters;
        static const std::string kEscalated =
            std::string("SELECT " TICKET_READ " FROM tickets WHERE escalated_to") + kFilters;
        const std::string& text = query.box == Box::inbox    ? kInbox
                                  : query.box == Box::outbox ? kOutbox
                                                             : kEscalated;
        auto q = c_->query(text);
        std::optional<std::string> status;
        if (query.status) status = std::string(domain::to_string(*query.status));
        q->bind_all(query.agency_id, status, query.overdue_only, query.after_id.value_or(""),
                    clamp_limit(query.limit));
        return ticket_rows(q);
    }

    // An inbox by assignee (a person, or nobody: `IS` matches both), through the index of
    // migration 17, in id order; the other filters as NULL-able parameters.
    std::vector<domain::Ticket> assigned_tickets(const TicketQuery& query) {
        if (query.box != Box::inbox) {
            throw std::logic_error("list_tickets: the assignee filter is the inbox's");
        }
        auto q = c_->query("SELECT " TICKET_READ
                           " FROM tickets WHERE recipient_agency = ?1 AND assignee_person IS ?2 "
                           "AND (?3 IS NULL OR status = ?3) AND (?4 = 0 OR (overdue IS NOT NULL "
                           "AND status NOT IN ('rejected', 'closed', 'cancelled'))) AND id > ?5 "
                           "ORDER BY id LIMIT ?6");
        std::optional<std::string> status;
        if (query.status) status = std::string(domain::to_string(*query.status));
        q->bind_all(query.agency_id, *query.assignee, status, query.overdue_only,
                    query.after_id.value_or(""), clamp_limit(query.limit));
        return ticket_rows(q);
    }

    std::vector<domain::TicketEvent> ticket_history(const std::string& ticket_id) override {
        auto q = c_->query(
            "SELECT sequence, ticket_id, type, from_status, to_status, actor_agency, actor_key, "
            "reason, outcome, at, related_ticket, related_agency, reason_code, "
            "related_clue, note_id, measure_id, actor_issued_by, actor_person, actor_name, "
            "assignee, previous_assignee FROM ticket_events "
            "WHERE ticket_id = ? ORDER BY sequence");
        q->bind_all(ticket_id);
        std::vector<domain::TicketEvent> out;
        while (q->step()) {
            domain::TicketEvent e;
            e.sequence = q->int64(0);
            e.ticket_id = q->text(1);
            e.type = q->text(2);
            e.from_status = q->optional_text(3);
            e.to_status = q->text(4);
            e.actor_agency = q->text(5);
            e.actor_key = q->text(6);
            if (auto stored = q->optional_text(7)) {
                e.reason = sqlite_ticket_work::open_event_reason(cipher_, e.sequence, *stored);
            }
            e.outcome = q->optional_text(8);
            e.at = time_column(*q, 9, "ticket_events.at");
            e.related_ticket = q->optional_text(10);
            e.related_agency = q->optional_text(11);
            e.reason_code = q->optional_text(12);
            e.related_clue = q->optional_text(13);
            e.note_id = q->optional_text(14);
            e.measure_id = q->optional_text(15);
            e.actor_issued_by = q->optional_text(16);
            e.actor_person = q->optional_text(17);
            e.actor_name = q->optional_text(18);
            e.assignee = q->optional_text(19);
            e.previous_assignee = q->optional_text(20);
            out.push_back(std::move(e));
        }
        return out;
    }

    std::optional<CaseClue> clue_ref(const std::string& clue_id) override {
        return sqlite_cases::clue_ref(*c_, clue_id);
    }
    std::optional<CaseFacts> case_facts(const std::string& case_id) override {
        return facts_of_case(*c_, case_id);
    }
    std::optional<CaseRecord> find_case(const std::string& id) override {
        return sqlite_cases::find(*c_, id);
    }
    CaseSnapshot case_snapshot() override {
        CaseSnapshot s;
        s.cases = sqlite_cases::all(*c_);
        s.clues = sqlite_cases::all_clues(*c_);
        auto q = c_->query("SELECT " TICKET_READ " FROM tickets ORDER BY id");
        s.tickets = ticket_rows(q);
        s.coverage = sqlite_cases::all_coverage(*c_);
        s.identifiers = sqlite_cases::all_identifiers(*c_);
        s.separations = sqlite_cases::all_separations(*c_);
        return s;
    }
    std::vector<domain::TicketNote> notes_of(const std::string& ticket_id) override {
        return sqlite_ticket_work::notes_of(*c_, cipher_, ticket_id);
    }
    std::vector<domain::RecordedMeasure> measures_of(const std::string& ticket_id) override {
        return sqlite_ticket_work::measures_of(*c_, ticket_id);
    }

    std::vector<domain::Agency> agencies() override {
        std::vector<domain::Agency> out;
        for (auto& r : sqlite_agencies::all(*c_)) out.push_back(std::move(r.agency));
        return out;
    }

    std::vector<PurgeCandidate> purge_candidates(Timestamp closed_before, int limit) override {
        return sqlite_retention::candidates(*c_, closed_before, limit);
    }

    std::vector<ClueLink> clue_links(const std::string& clue_id) override {
        return sqlite_links::links_of(*c_, clue_id);
    }

    std::vector<domain::AuditEntry> audit_entries(std::int64_t after_seq, int limit) override {
        return sqlite_audit::entries(*c_, after_seq, limit);
    }
    std::optional<TicketClosure> closure_of(const std::string& ticket_id) override {
        return sqlite_outcomes::closure_of(*c_, ticket_id);
    }
    domain::StatsFacts stats_facts(const domain::StatsQuery& query) override {
        return sqlite_figures::facts(*c_, query);
    }
    std::string figures_secret() override { return sqlite_figures::secret(*c_); }

    std::vector<WebhookEndpoint> webhook_endpoints(
        const std::optional<std::string>& agency_id) override {
        return sqlite_webhooks::endpoints(*c_, cipher_, agency_id);
    }
    std::optional<WebhookEndpoint> find_webhook_endpoint(const std::string& id) override {
        return sqlite_webhooks::find_endpoint(*c_, cipher_, id);
    }
    std::vector<WebhookDelivery> due_deliveries(Timestamp now, int per_endpoint,
                                                int limit) override {
        return sqlite_webhooks::due_deliveries(*c_, now, per_endpoint, limit);
    }
    std::optional<Timestamp> next_delivery_due() override {
        return sqlite_webhooks::next_delivery_due(*c_);
    }
    std::vector<WebhookDelivery> list_deliveries(const DeliveryQuery& query) override {
        return sqlite_webhooks::list_deliveries(*c_, query);
    }
    std::optional<WebhookDelivery> find_delivery(const std::string& id) override {
        return sqlite_webhooks::find_delivery(*c_, id);
    }
    std::optional<InboundSecret> find_inbound_secret(const std::string& agency_id) override {
        return sqlite_webhooks::find_inbound_secret(*c_, cipher_, agency_id);
    }
    std::vector<domain::Ticket> tickets_by_clue_reference(
        const std::string& reference, const std::string& recipient_agency) override {
        // Any clue the ticket carries counts: a clue that joined the case is the recipient's
        // to name as much as the one the ticket was opened for.
        auto q = c_->query("SELECT " TICKET_READ
                           " FROM tickets WHERE recipient_agency = ? AND id IN "
                           "(SELECT tc.ticket_id FROM ticket_clues tc JOIN clues c ON c.id = "
                           "tc.clue_id WHERE c.reference = ?) ORDER BY id");
        q->bind_all(recipient_agency, reference);
        return ticket_rows(q);
    }

    std::vector<StoredAgency> agency_records() override { return sqlite_agencies::all(*c_); }

    std::optional<StoredAgency> find_agency(const std::string& id) override {
        return sqlite_agencies::find(*c_, id);
    }

  private:
    std::vector<StoredClue> clue_rows(sqlite::Query& q) const {
        std::vector<StoredClue> out;
        while (q->step()) out.push_back(clue_row(*q, cipher_));
        return out;
    }

    std::shared_ptr<ReaderPool> pool_;
    std::unique_ptr<Connection> c_;
    const PersonalDataCipher* cipher_;
};

// --- the store -----------------------------------------------------------------------------

std::string checked_synchronous(const std::string& value) {
    std::string upper = value;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    // OFF and EXTRA are refused: OFF loses acknowledged clues on power loss, and EXTRA buys
    // nothing over FULL in WAL mode.
    if (upper != "FULL" && upper != "NORMAL") {
        throw StorageError("synchronous must be FULL or NORMAL");
    }
    return upper;
}

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(const SqliteOptions& options)
        : max_batch_(options.max_batch),
          cipher_(options.cipher),
          pool_(std::make_shared<ReaderPool>(
              std::chrono::milliseconds(std::max(options.busy_timeout_ms, 0)))),
          recovery_quiet_(options.recovery_quiet) {
        if (options.path.empty()) throw StorageError("database path is empty");
        if (options.max_batch < 1) throw StorageError("max_batch must be at least 1");
        if (options.read_connections < 1) {
            throw StorageError("read_connections must be at least 1");
        }
        const std::string synchronous = checked_synchronous(options.synchronous);

        secure_database_files(options.path);
        writer_ = std::make_unique<Connection>(options.path, Connection::Mode::read_write_create,
                                               options.busy_timeout_ms);
        {
            auto q = writer_->query("PRAGMA journal_mode = WAL");
            // Readers that never wait for the writer rely on WAL; anything else (an in-memory
            // database, a file system without shared memory) is refused rather than degraded.
            if (!q->step() || q->text(0) != "wal") {
                throw StorageError("the database could not be put in WAL mode");
            }
        }
        writer_->exec(synchronous == "FULL" ? "PRAGMA synchronous = FULL"
                                            : "PRAGMA synchronous = NORMAL");
        writer_->exec("PRAGMA foreign_keys = ON");
        // Each unit of work runs in a SAVEPOINT, and SQLite keeps a savepoint's undo pages in
        // a statement journal: a temporary file by default, one pwrite per page first changed
        // in each unit (about 85 system calls a clue, measured with strace). In memory they
        // cost a copy; they are dropped at RELEASE and never need to survive a crash, since
        // the enclosing transaction's durability is the WAL's.
        writer_->exec("PRAGMA temp_store = MEMORY");
        // The writer touches the right-hand leaves of some twenty b-trees per clue; with
        // SQLite's default 2 MiB cache it read about nine pages back from the file per clue.
        writer_->exec("PRAGMA cache_size = -16384");
        // Deleted content is overwritten, not left in free pages: purged records must not be
        // recoverable from the file.
        writer_->exec("PRAGMA secure_delete = ON");
        migrations::migrate(*writer_);

        for (std::size_t i = 0; i < options.read_connections; ++i) {
            pool_->add(std::make_unique<Connection>(options.path, Connection::Mode::read_only,
                                                    options.busy_timeout_ms));
        }
        thread_ = std::thread([this] { run(); });
        thread_id_ = thread_.get_id();
    }

    ~SqliteStore() override { stop(); }

    void write(Work work, Done done) override {
        {
            std::lock_guard lock(mutex_);
            if (!stopping_) {
                queue_.push_back(Unit{std::move(work), std::move(done)});
                cv_.notify_one();
                return;
            }
        }
        if (done) done(std::make_exception_ptr(StorageError("store is stopping")));
    }

    std::unique_ptr<Reader> reader() override {
        return std::make_unique<SqliteReader>(pool_, cipher_.get());
    }

    SealedClue seal_clue(const StoredClue& clue) const override {
        if (!cipher_) {
            throw StorageError("no data key is configured; personal data is never stored in clear");
        }
        return storage::seal_clue(clue.clue, clue.id, *cipher_);
    }

    void stop() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        // A Done callback calling stop() runs on the writer thread, which cannot join itself;
        // it will leave its loop once the queue is empty, and the destructor joins it.
        if (std::this_thread::get_id() == thread_id_) return;
        std::lock_guard join_lock(join_mutex_);
        if (thread_.joinable()) thread_.join();
    }

    SqliteStats stats() const {
        std::lock_guard lock(mutex_);
        return stats_;
    }

    WriteHealth write_health() const override {
        std::lock_guard lock(mutex_);
        return health_;
    }

  private:
    struct Unit {
        Work work;
        Done done;
    };

    void run() {
        std::vector<Unit> group;
        for (;;) {
            group.clear();
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;  // stopping, and everything queued is done
                while (!queue_.empty() && group.size() < max_batch_) {
                    group.push_back(std::move(queue_.front()));
                    queue_.pop_front();
                }
                ++stats_.batches;
                stats_.units += group.size();
                stats_.largest_batch = std::max(stats_.largest_batch, group.size());
            }
            commit_group(group);
        }
    }

    void commit_group(std::vector<Unit>& group) {
        std::vector<std::exception_ptr> results(group.size());
        std::optional<std::string> write_failure;  // why the file could not be written
        try {
            sqlite::Transaction tx(*writer_, sqlite::Transaction::Kind::immediate);
            for (std::size_t i = 0; i < group.size(); ++i) {
                sqlite::Savepoint savepoint(*writer_, "unit");
                try {
                    SqliteWriteTransaction wt(*writer_, cipher_.get());
                    group[i].work(wt);
                } catch (...) {
                    results[i] = std::current_exception();
                }
                // Outside the catch: if SQLite cannot undo the unit, the whole group is in
                // doubt, and the outer handler fails every unit of it.
                if (results[i]) {
                    if (!write_failure) write_failure = file_write_failure(results[i]);
                    savepoint.rollback();
                } else {
                    savepoint.release();
                }
            }
            tx.commit();
        } catch (const std::exception& e) {
            write_failure = e.what();
            fail_group(results, std::string("group commit failed: ") + e.what());
        } catch (...) {
            write_failure = "group commit failed";
            fail_group(results, "group commit failed");
        }
        note_write_health(write_failure);
        // Only now, after COMMIT: a reply sent earlier could promise what a crash then loses.
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (!group[i].done) continue;
            try {
                group[i].done(results[i]);
            } catch (...) {
                // Done must not throw; the writer thread has nobody to report to and must
                // keep serving the other requests.
            }
        }
    }

    // A unit's failure that says the file cannot be written, as opposed to one that says
    // the unit was wrong (a constraint, a domain refusal): its message, or nullopt.
    static std::optional<std::string> file_write_failure(const std::exception_ptr& failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const sqlite::SqliteError& e) {
            switch (e.primary_code()) {
                case SQLITE_FULL:
                case SQLITE_IOERR:
                case SQLITE_READONLY:
                case SQLITE_CANTOPEN:
                case SQLITE_NOLFS:
                case SQLITE_CORRUPT:
                case SQLITE_NOTADB:
                    return std::string(e.what());
                default:
                    return std::nullopt;
            }
        } catch (...) {
            return std::nullopt;
        }
    }

    void note_write_health(const std::optional<std::string>& failure) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        if (failure) {
            if (!health_.failing) ++health_.episodes;
            health_.failing = true;
            ++health_.failures;
            health_.error = *failure;
            last_write_failure_ = now;
        } else if (health_.failing && now - last_write_failure_ >= recovery_quiet_) {
            health_.failing = false;
        }
    }

    void fail_group(std::vector<std::exception_ptr>& results, const std::string& message) {
        {
            std::lock_guard lock(mutex_);
            ++stats_.failed_batches;
        }
        const auto error = std::make_exception_ptr(StorageError(message));
        std::fill(results.begin(), results.end(), error);
    }

    const std::size_t max_batch_;
    std::shared_ptr<const PersonalDataCipher>
        cipher_;  // null: clues can be neither written nor read
    std::shared_ptr<ReaderPool> pool_;
    std::unique_ptr<Connection> writer_;  // used only by the writer thread once it runs

    mutable std::mutex mutex_;  // guards queue_, stopping_, stats_, health_
    std::condition_variable cv_;
    std::deque<Unit> queue_;
    bool stopping_ = false;
    SqliteStats stats_;
    WriteHealth health_;
    std::chrono::steady_clock::time_point last_write_failure_{};
    const std::chrono::milliseconds recovery_quiet_;

    std::mutex join_mutex_;
    std::thread thread_;
    std::thread::id thread_id_;  // set once at start; read by stop() on any thread
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
    return std::make_unique<SqliteStore>(options);
}

int latest_schema_version() {
    return migrations::latest_version();
}

std::optional<SqliteStats> sqlite_stats(const Store& store) {
    if (const auto* s = dynamic_cast<const SqliteStore*>(&store)) return s->stats();
    return std::nullopt;
}

}  // namespace clue_router::storage
