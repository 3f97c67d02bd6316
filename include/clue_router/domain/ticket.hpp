#pragma once
// A ticket is one transfer of a clue from one agency to another for one purpose, and its
// state table (DESIGN §4, after FHIR Task and Primero referrals):
//   pending → accepted | rejected | cancelled
//   accepted → in_progress | closed
//   in_progress ⇄ on_hold;  in_progress | on_hold → closed
// The sender cancels; the recipient accepts, rejects, starts, holds, resumes and closes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/measure_progress.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

enum class TicketStatus { pending, accepted, rejected, in_progress, on_hold, closed, cancelled };
enum class TicketAction { accept, reject, start, hold, resume, close, cancel };
enum class Party { sender, recipient };
enum class Outcome { assisted, not_eligible, unreachable, withdrawn, duplicate, referred_onward };
// Why a recipient rejects a ticket or puts it on hold (vocabulary::reason_codes()); the
// optional text beside it is free text, sealed at rest.
enum class ReasonCode {
    wrong_jurisdiction,
    not_our_remit,
    duplicate,
    cannot_contact,
    needs_information,
    other,
};

std::string_view to_string(TicketStatus s);
std::string_view to_string(TicketAction a);
std::string_view to_string(Party p);
std::string_view to_string(Outcome o);
std::string_view to_string(ReasonCode c);
std::optional<TicketStatus> parse_ticket_status(std::string_view s);
std::optional<TicketAction> parse_ticket_action(std::string_view s);
std::optional<Outcome> parse_outcome(std::string_view s);
std::optional<ReasonCode> parse_reason_code(std::string_view s);
bool is_terminal(TicketStatus s);
// Every status's name, in the order of the enum: what a list's `status` filter takes.
std::span<const std::string_view> ticket_statuses();

struct Ticket {
    std::string id;
    std::string clue_id;  // the clue it was opened for; emptied for a reader who may not see it
    std::string sender_agency;
    std::string recipient_agency;
    std::string purpose;
    TicketStatus status = TicketStatus::pending;
    Priority priority = Priority::normal;
    std::int64_t version = 1;  // bumped by every change; the ETag
    Timestamp created_at{};
    Timestamp updated_at{};
    std::optional<Outcome> outcome;
    // A transition's reason belongs to that transition: it is in the ticket's history, not
    // on the ticket.
    // The case the ticket's clue belongs to (set when read from storage).
    std::optional<std::string> case_id;
    // The clues of the case the ticket carries (the one it was opened for, and those that
    // joined while it was open), as far as the reader may see them; filled in when a ticket
    // is read one at a time, empty in lists.
    std::vector<std::string> clues;
    // Aid measures recorded on the ticket, at closing or over time (domain/measure_progress);
    // filled in when a ticket is read one at a time or closed, empty in lists.
    std::vector<RecordedMeasure> measures;
    std::optional<std::string> follow_up_ticket;  // the ticket a referred_onward closure made
    // Deadlines (domain/deadlines.hpp), fixed when the ticket is handed over. Absent only on
    // tickets stored before deadlines existed.
    std::optional<Timestamp> accept_by;
    std::optional<Timestamp> close_by;
    // Set by the sweeper when the deadline that applies passed: "accept" (still pending) or
    // "close" (accepted but not closed). Accepting late clears an "accept" mark.
    std::optional<std::string> overdue;
    std::optional<Timestamp> overdue_since;
    // The agency the sweeper escalated the ticket to (the recipient's parent); it may read
    // the ticket and its history, not move it.
    std::optional<std::string> escalated_to;
    // The person of the recipient agency who took the ticket (domain/ticket_assignment), and
    // her display name as her account has it now (read with the ticket, never written).
    std::optional<std::string> assignee_person;
    std::optional<std::string> assignee_name;
};

nlohmann::json to_json(const Ticket& t);

// The follow-up of a referred_onward closure: a new ticket from the closing agency to
// another, for one purpose, created in the same transaction.
struct Referral {
    std::string recipient_agency;
    std::string purpose;  // a service of the vocabulary, e.g. psychological_counselling
};

// What a caller asks for: POST /v1/tickets/{id}/transitions (or an inbound webhook).
struct TransitionRequest {
    TicketAction action;
    std::optional<ReasonCode> reason_code;  // required for reject and hold, only for them
    std::optional<std::string> reason;      // optional text; required with reason_code other
    std::optional<Outcome> outcome;         // required for close
    std::vector<AidMeasure> measures;       // with close; at least one when assisted
    std::optional<Referral> referral;       // with close; required for referred_onward
};

// The members parse_transition_request knows; a caller that wraps a transition in more
// members (the inbound webhook's ticket reference) skips these.
bool is_transition_member(std::string_view member);

// Validates {action, reason?, outcome?, measures?, referral?}: field errors point at
// /action, /reason, /measures/0/amount_cny, …
// Members outside the transition are refused unless `extra_members` allows them.
Expected<TransitionRequest, FieldErrors> parse_transition_request(
    const nlohmann::json& body, std::span<const std::string_view> extra_members = {});

enum class TransitionError {
    wrong_party,      // this party may not take this action (403)
    not_allowed_now,  // the current status does not allow it (409)
};

struct TransitionRule {
    TicketStatus from;
    TicketAction action;
    TicketStatus to;
    Party actor;
};

// The whole state table, for documentation and for tests that walk every path.
std::span<const TransitionRule> transition_table();

// Decides the next status. Field checks (reason, outcome) are parse_transition_request's.
// When both the party and the status are wrong, the status is reported (409), since it says
// more about what would ever be possible.
Expected<TicketStatus, TransitionError> next_status(TicketStatus from, TicketAction action,
                                                    Party actor);

// The event type a transition writes, e.g. "ticket.accepted", "ticket.on_hold".
std::string event_type_for(TicketAction action);

struct TicketEvent {
    std::int64_t sequence = 0;  // assigned by storage, increasing
    std::string ticket_id;
    std::string type;  // ticket.created, ticket.accepted, …
    std::optional<std::string> from_status;
    std::string to_status;
    std::string actor_agency;
    std::string actor_key;  // the key id (never the key), or the person's id
    // The agency whose admin issued the acting key or inbound secret, when that is not the
    // actor's own agency (issue 14 item 3): such an action is visibly not the agency's own.
    std::optional<std::string> actor_issued_by;
    // The person who acted, when one signed in did (issue 15): her id and display name.
    std::optional<std::string> actor_person;
    std::optional<std::string> actor_name;
    std::optional<std::string> reason_code;  // reject and hold (ReasonCode), in clear
    std::optional<std::string> reason;       // free text, sealed at rest
    std::optional<std::string> outcome;
    // Links between tickets and agencies that make a path readable: a rerouted ticket names
    // its successor, the successor its predecessor, an escalation the agency escalated to.
    std::optional<std::string> related_ticket;
    std::optional<std::string> related_agency;
    // ticket.clue_added / ticket.clue_removed: the clue the ticket gained or lost.
    std::optional<std::string> related_clue;
    std::optional<std::string> note_id;     // ticket.note_added
    std::optional<std::string> measure_id;  // ticket.measure_added, ticket.measure_updated
    // ticket.assigned / ticket.unassigned: the person the ticket went to, and the one it
    // came from (ids only).
    std::optional<std::string> assignee;
    std::optional<std::string> previous_assignee;
    Timestamp at{};
};

nlohmann::json to_json(const TicketEvent& e);

}  // namespace clue_router::domain
