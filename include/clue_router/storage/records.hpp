#pragma once
// What the store keeps, as plain values. Domain types are stored as they are; these add
// what only storage knows (who submitted, when, the stored reply of an idempotent request).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/case.hpp"
#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::storage {

using domain::Timestamp;

// A person's account (issue 15): one agency, one role, a password kept as an Argon2id PHC
// string (service/passwords). Never shown with its hash.
struct Person {
    std::string id;        // "psn_…"
    std::string username;  // what she signs in with; lower case, unique
    std::string agency_id;
    std::string role;  // intake, staff, supervisor, admin
    std::string display_name;
    std::string password_hash;
    Timestamp created_at{};
    Timestamp password_changed_at{};
    std::optional<Timestamp> disabled_at;
    // The second factor (service/second_factor): the TOTP key in base32, sealed at rest; a
    // key without totp_enrolled_at is an enrolment begun and not yet confirmed with a code.
    std::optional<std::string> totp_secret;
    std::optional<Timestamp> totp_enrolled_at;
    // The last time step whose code was accepted: a code is good once.
    std::int64_t totp_last_step = 0;
    // SHA-256 (hex) of each recovery code not used yet.
    std::vector<std::string> recovery_code_hashes;
};

// A signed-in session. The token itself is never stored: only its SHA-256 (token_hash).
struct SessionRecord {
    std::string token_hash;
    std::string id;  // "ses_…", for the audit trail
    std::string person_id;
    Timestamp created_at{};
    Timestamp last_seen_at{};
    Timestamp expires_at{};  // the absolute end, whatever the activity
};

struct ApiKey {
    std::string id;  // public id, e.g. "key_01J…"; shown in lists and events
    std::string agency_id;
    std::string role;  // intake, staff, supervisor, admin
    std::string label;
    Timestamp created_at{};
    std::optional<Timestamp> expires_at;
    std::optional<Timestamp> revoked_at;
    // Updated at most once a minute per key (service/api_keys), so a busy key does not turn
    // every read into a write.
    std::optional<Timestamp> last_used_at;
    // Who made it (issue 14 item 3): the key id ("cli" for the command line) and the agency
    // that key acted for. A key made for another agency than its maker's shows as such.
    std::optional<std::string> created_by_key;
    std::optional<std::string> created_by_agency;
};

// Where a clue stands (docs/api.md, "The case"); every clue is in exactly one of these:
//   needs_review — waiting in the review queue for a person (review_reason says why); some of
//                  it may already be with the case's agencies;
//   routed       — with the agencies of its case (at least one ticket carries it), and its
//                  case is still open;
//   dismissed    — a person decided from the queue that nothing more goes out, and said why;
//   answered     — its case closed: every ticket of the case finished and nothing of it waits
//                  for review; its sender was sent clue.answered.
enum class ClueStatus { routed, needs_review, dismissed, answered };
std::string_view to_string(ClueStatus s);
std::optional<ClueStatus> parse_clue_status(std::string_view s);

struct StoredClue {
    std::string id;
    std::string case_id;  // the case of the woman it is about
    std::string sender_agency;
    std::string submitted_by_key;  // key id
    domain::Clue clue;
    ClueStatus status = ClueStatus::routed;
    std::optional<std::string> review_reason;     // why it went to the review queue
    std::optional<std::string> dismissal_reason;  // set when status is dismissed
    // The key that last acted on it from the review queue (routed by hand or dismissed).
    std::optional<std::string> reviewed_by_key;
    std::optional<Timestamp> reviewed_at;
    domain::Priority priority = domain::Priority::low;
    Timestamp created_at{};
    // Set once retention removed the personal data; the clue then carries none.
    std::optional<Timestamp> personal_data_purged_at;
};

struct StoredScreening {
    std::string clue_id;
    std::string criteria_version;
    int score = 0;
    domain::Priority priority = domain::Priority::low;
    nlohmann::json result;  // domain::to_json(Screening)
    Timestamp created_at{};
};

// A version string of the screening criteria and the content it was first used with
// (service/criteria_versions): the SHA-256 of the criteria document in canonical form.
struct CriteriaVersion {
    std::string version;
    std::string content_sha256;
    Timestamp first_used_at{};
};

// The reply to an idempotent request, kept so that a retry gets the same answer.
struct IdempotencyRecord {
    std::string agency_id;
    std::string key;
    std::string request_hash;  // SHA-256 hex of the request body
    int status = 0;
    std::string location;  // the Location header of the reply, if any
    std::string body;      // the reply body
    Timestamp created_at{};
};

// The answer given to an inbound webhook-id, so that a repeat gets the same answer.
struct InboundAnswer {
    int status = 0;
    std::string body;
    // SHA-256 hex of the body that was answered; absent on answers stored before it was kept.
    std::optional<std::string> request_hash;
};

// A case as stored (domain/case.hpp). Its clues name it (StoredClue::case_id); its tickets
// are the tickets of its clues.
struct CaseRecord {
    std::string id;
    domain::CaseStatus status = domain::CaseStatus::open;
    // Never lowered by a clue that joins it (domain::higher); new tickets of the case take it.
    domain::Priority priority = domain::Priority::low;
    Timestamp created_at{};
    std::optional<Timestamp> closed_at;
    std::optional<std::string> merged_into;
};

// A clue as a member of its case: what is stored in clear beside the sealed document, so
// that scope is decided, and cases are worked, without decrypting anything.
struct CaseClue {
    std::string id;
    std::string case_id;
    std::string sender_agency;
    ClueStatus status = ClueStatus::routed;
    domain::Priority priority = domain::Priority::low;
    std::string channel;
    std::string region;
    Timestamp received_at{};
    Timestamp created_at{};
    std::optional<std::string> review_reason;
    std::optional<Timestamp> reviewed_at;
    bool purged = false;
};

// A ticket carries a clue: the one it was opened for, and every clue of the case that was
// handed over to partners while the ticket was open. Its recipient reads those clues.
struct Coverage {
    std::string ticket_id;
    std::string clue_id;
    Timestamp added_at{};
};

// Everything that decides who sees what of a case, in one read: no clue is decrypted.
struct CaseFacts {
    CaseRecord record;
    std::vector<CaseClue> clues;          // by id
    std::vector<domain::Ticket> tickets;  // by id
    std::vector<Coverage> coverage;
};

// A clue of another open case that shares an identifier with a clue of this one.
struct CaseMatch {
    std::string clue_id;        // of this case
    std::string other_clue_id;  // of the other case
    std::string other_case_id;
    std::string kind;  // "id_number" or "phone"
};

// Every case, clue, ticket, coverage, identifier digest and separation: what
// service/case_invariants checks. Reads the whole database; for tests and operators.
struct CaseSnapshot {
    std::vector<CaseRecord> cases;
    std::vector<CaseClue> clues;
    std::vector<domain::Ticket> tickets;
    std::vector<Coverage> coverage;
    std::vector<std::pair<std::string, domain::CaseIdentifier>> identifiers;  // clue → digest
    std::vector<std::pair<std::string, std::string>> separations;             // both ways
};

// Two clues about the same person. basis: the identifier kinds that matched
// ("id_number,phone"), or "manual" for a link made by staff.
struct ClueLink {
    std::string clue_id;
    std::string linked_clue_id;
    std::string basis;
    Timestamp created_at{};
    std::string created_by;  // key id
};

// A clue whose loop closed: its personal data is due for removal after the retention period.
struct PurgeCandidate {
    std::string clue_id;
    Timestamp closed_at{};
};

// A directory entry as stored: the agency and the version that guards concurrent edits
// through the API (ETag / If-Match, as for tickets).
struct StoredAgency {
    domain::Agency agency;
    std::int64_t version = 1;
    Timestamp updated_at{};
};

// inbox: tickets the agency receives; outbox: tickets it sent; escalated: tickets escalated
// to it (it is the parent of a recipient that let a deadline pass).
enum class Box { inbox, outbox, escalated };

struct TicketQuery {
    std::string agency_id;
    Box box = Box::inbox;
    std::optional<domain::TicketStatus> status;
    bool overdue_only = false;            // open tickets the sweeper marked overdue
    std::optional<std::string> after_id;  // keyset cursor: ids sort by creation (UUIDv7)
    int limit = 50;
    // Inbox only: the tickets assigned to this person (a person's id), or, holding nullopt,
    // those nobody took. Absent: whoever has them.
    std::optional<std::optional<std::string>> assignee{};
};

struct ReviewQuery {
    std::optional<std::string> sender_agency;  // nullopt: every agency (admin)
    std::optional<std::string> after_id;
    int limit = 50;
};

// How a ticket was closed: the outcome's aid measures and, for referred_onward, the
// follow-up ticket. One per closed ticket.
struct TicketClosure {
    std::string ticket_id;
    domain::Outcome outcome = domain::Outcome::assisted;
    std::vector<domain::AidMeasure> measures;
    std::optional<std::string> follow_up_ticket;
    std::string closed_by_agency;
    Timestamp closed_at{};
};

// An agency's outbound webhook endpoint. Secrets are "whsec_…" texts; during a rotation
// the previous one keeps signing (a second signature) until previous_secret_until.
struct WebhookEndpoint {
    std::string id;
    std::string agency_id;
    std::string url;
    std::vector<std::string> event_types;  // empty: every type
    std::string secret;
    std::optional<std::string> previous_secret;
    std::optional<Timestamp> previous_secret_until;
    bool enabled = true;
    std::optional<std::string> disabled_reason;  // e.g. "410 Gone" or "disabled by admin"
    Timestamp created_at{};
    Timestamp updated_at{};
};

enum class DeliveryStatus { pending, delivered, failed };
std::string_view to_string(DeliveryStatus s);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view s);

// One message to one endpoint: a row of the outbox, written in the same unit of work as the
// change it tells of, and the delivery log after. `id` is the webhook-id, stable across
// retries. Messages with the same ordering_key (one ticket, or one clue) reach an endpoint in
// `sequence` order.
struct WebhookDelivery {
    std::int64_t sequence = 0;
    std::string id;
    std::string endpoint_id;
    std::string agency_id;
    std::string event_type;
    std::string ordering_key;
    std::string payload;
    DeliveryStatus status = DeliveryStatus::pending;
    int attempts = 0;
    Timestamp next_attempt_at{};
    std::optional<Timestamp> last_attempt_at;
    std::optional<int> last_status_code;
    std::optional<std::string> last_error;
    Timestamp created_at{};
    std::optional<Timestamp> delivered_at;
};

// What one attempt came to, as the dispatcher reports it.
struct DeliveryAttempt {
    std::string delivery_id;
    Timestamp at{};
    bool delivered = false;
    std::optional<int> status_code;
    std::optional<std::string> error;   // "timeout", "connection refused", "HTTP 500"…
    bool endpoint_gone = false;         // 410: disable the endpoint
    std::optional<Timestamp> retry_at;  // nullopt with !delivered: dead-letter it
};

struct DeliveryQuery {
    std::optional<std::string> agency_id;  // nullopt: every agency (admin)
    std::optional<DeliveryStatus> status;
    std::optional<std::string> after_id;
    int limit = 50;
};

// An agency's secret for signing what it sends to POST /v1/hooks/{agency_id}.
struct InboundSecret {
    std::string agency_id;
    std::string secret;
    std::optional<std::string> previous_secret;
    std::optional<Timestamp> previous_secret_until;
    Timestamp created_at{};
    // "ins_…": named in the ticket history of what the secret signed; the secret it replaced
    // keeps its id while it still verifies.
    std::string id{};
    std::optional<std::string> previous_id{};
    // Who set it (issue 14 item 3), as for API keys.
    std::optional<std::string> created_by_key{};
    std::optional<std::string> created_by_agency{};
    std::optional<std::string> previous_created_by_agency{};
};

}  // namespace clue_router::storage
