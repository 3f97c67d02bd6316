#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/text_checks.hpp"
#include "clue_router/domain/vocabulary.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace clue_router::domain {
namespace {

using nlohmann::json;
using namespace std::string_view_literals;

constexpr std::array kStatuses{"pending"sv, "accepted"sv, "rejected"sv, "in_progress"sv,
                               "on_hold"sv, "closed"sv,   "cancelled"sv};
constexpr std::array kActions{"accept"sv, "reject"sv, "start"sv, "hold"sv,
                              "resume"sv, "close"sv,  "cancel"sv};
constexpr std::array kParties{"sender"sv, "recipient"sv};
constexpr std::array kOutcomes{"assisted"sv,  "not_eligible"sv, "unreachable"sv,
                               "withdrawn"sv, "duplicate"sv,    "referred_onward"sv};
constexpr std::array kReasonCodes{"wrong_jurisdiction"sv, "not_our_remit"sv,     "duplicate"sv,
                                  "cannot_contact"sv,     "needs_information"sv, "other"sv};

using S = TicketStatus;
using A = TicketAction;
using P = Party;

// The whole state table (DESIGN §4). Everything not listed here is refused.
constexpr std::array kTable{
    TransitionRule{S::pending, A::accept, S::accepted, P::recipient},
    TransitionRule{S::pending, A::reject, S::rejected, P::recipient},
    TransitionRule{S::pending, A::cancel, S::cancelled, P::sender},
    TransitionRule{S::accepted, A::start, S::in_progress, P::recipient},
    TransitionRule{S::accepted, A::close, S::closed, P::recipient},
    TransitionRule{S::in_progress, A::hold, S::on_hold, P::recipient},
    TransitionRule{S::on_hold, A::resume, S::in_progress, P::recipient},
    TransitionRule{S::in_progress, A::close, S::closed, P::recipient},
    TransitionRule{S::on_hold, A::close, S::closed, P::recipient},
};

constexpr std::size_t kMaxTextCodePoints = 2000;

template <class E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == s) return static_cast<E>(i);
    }
    return std::nullopt;
}

// Checks a free-text member; returns the text when it is acceptable.
std::optional<std::string> text_member(const json& value, const std::string& pointer,
                                       std::size_t min_length, FieldErrors& errors) {
    if (!value.is_string()) {
        errors.push_back({pointer, "must be a string"});
        return std::nullopt;
    }
    const auto& text = value.get_ref<const std::string&>();
    const TextScan scan = scan_text(text, true);
    if (!scan.valid_utf8) {
        errors.push_back({pointer, "must be valid UTF-8"});
        return std::nullopt;
    }
    if (scan.has_control) {
        errors.push_back({pointer, "must not contain control characters"});
        return std::nullopt;
    }
    if (scan.code_points < min_length || scan.code_points > kMaxTextCodePoints) {
        errors.push_back({pointer, min_length > 0 ? "must be 1-2000 characters"
                                                  : "must be at most 2000 characters"});
        return std::nullopt;
    }
    return text;
}

}  // namespace

std::string_view to_string(TicketStatus s) {
    return kStatuses.at(static_cast<std::size_t>(s));
}
std::string_view to_string(TicketAction a) {
    return kActions.at(static_cast<std::size_t>(a));
}
std::string_view to_string(Party p) {
    return kParties.at(static_cast<std::size_t>(p));
}
std::string_view to_string(Outcome o) {
    return kOutcomes.at(static_cast<std::size_t>(o));
}
std::string_view to_string(ReasonCode c) {
    return kReasonCodes.at(static_cast<std::size_t>(c));
}

std::span<const std::string_view> ticket_statuses() {
    return kStatuses;
}

std::optional<TicketStatus> parse_ticket_status(std::string_view s) {
    return parse_enum<TicketStatus>(kStatuses, s);
}
std::optional<TicketAction> parse_ticket_action(std::string_view s) {
    return parse_enum<TicketAction>(kActions, s);
}
std::optional<Outcome> parse_outcome(std::string_view s) {
    return parse_enum<Outcome>(kOutcomes, s);
}
std::optional<ReasonCode> parse_reason_code(std::string_view s) {
    return parse_enum<ReasonCode>(kReasonCodes, s);
}

bool is_terminal(TicketStatus s) {
    return s == TicketStatus::rejected || s == TicketStatus::closed || s == TicketStatus::cancelled;
}

nlohmann::json to_json(const Ticket& t) {
    json j{{"id", t.id},
           {"sender_agency", t.sender_agency},
           {"recipient_agency", t.recipient_agency},
           {"purpose", t.purpose},
           {"status", to_string(t.status)},
           {"priority", to_string(t.priority)},
           {"version", t.version},
           {"created_at", format_rfc3339(t.created_at)},
           {"updated_at", format_rfc3339(t.updated_at)}};
    // Empty when the reader may not see the clue it was opened for (service/case_scope).
    if (!t.clue_id.empty()) j["clue_id"] = t.clue_id;
    if (t.case_id) j["case_id"] = *t.case_id;
    if (!t.clues.empty()) j["clues"] = t.clues;
    if (t.outcome) j["outcome"] = to_string(*t.outcome);
    if (!t.measures.empty()) {
        json list = json::array();
        for (const auto& m : t.measures) list.push_back(to_json(m));
        j["measures"] = std::move(list);
    }
    if (t.follow_up_ticket) j["follow_up_ticket"] = *t.follow_up_ticket;
    if (t.accept_by) j["accept_by"] = format_rfc3339(*t.accept_by);
    if (t.close_by) j["close_by"] = format_rfc3339(*t.close_by);
    if (t.overdue && !is_terminal(t.status)) {
        j["overdue"] = *t.overdue;
        if (t.overdue_since) j["overdue_since"] = format_rfc3339(*t.overdue_since);
    }
    if (t.escalated_to) j["escalated_to"] = *t.escalated_to;
    // Always there: null says nobody took it.
    j["assignee"] = nullptr;
    if (t.assignee_person) {
        j["assignee"] = {{"id", *t.assignee_person},
                         {"display_name", t.assignee_name.value_or("")}};
    }
    return j;
}

bool is_transition_member(std::string_view member) {
    return member == "action" || member == "reason_code" || member == "reason" ||
           member == "outcome" || member == "measures" || member == "referral";
}

Expected<TransitionRequest, FieldErrors> parse_transition_request(
    const nlohmann::json& body, std::span<const std::string_view> extra_members) {
    FieldErrors errors;
    if (!body.is_object()) {
        errors.push_back({"", "must be a JSON object"});
        return unexpected(std::move(errors));
    }
    for (const auto& [key, value] : body.items()) {
        if (!is_transition_member(key) &&
            std::find(extra_members.begin(), extra_members.end(), key) == extra_members.end()) {
            errors.push_back({"/" + json_pointer_token(key), "unknown member"});
        }
    }

    std::optional<TicketAction> action;
    if (auto it = body.find("action"); it == body.end()) {
        errors.push_back({"/action", "is required"});
    } else if (!it->is_string()) {
        errors.push_back({"/action", "must be a string"});
    } else if (action = parse_ticket_action(it->get_ref<const std::string&>()); !action) {
        errors.push_back(
            {"/action", "must be one of accept, reject, start, hold, resume, close, cancel"});
    }

    // Reject and hold say why with a code (counted, kept in clear) and may add text (sealed
    // at rest, since a name or an address ends up in it); "other" needs the text.
    const bool coded = action == TicketAction::reject || action == TicketAction::hold;
    std::optional<ReasonCode> reason_code;
    if (auto it = body.find("reason_code"); it != body.end()) {
        if (action && !coded) {
            errors.push_back({"/reason_code", "is only allowed with reject and hold"});
        } else if (!it->is_string() ||
                   !(reason_code = parse_reason_code(it->get_ref<const std::string&>()))) {
            errors.push_back({"/reason_code",
                              "must be one of wrong_jurisdiction, not_our_remit, duplicate, "
                              "cannot_contact, needs_information, other"});
        }
    } else if (coded) {
        errors.push_back(
            {"/reason_code", std::string("is required to ") + std::string(to_string(*action))});
    }
    std::optional<std::string> reason;
    if (auto it = body.find("reason"); it != body.end()) {
        reason = text_member(*it, "/reason", 1, errors);
    } else if (reason_code == ReasonCode::other) {
        errors.push_back({"/reason", "is required with the reason_code other"});
    }

    std::optional<Outcome> outcome;
    if (auto it = body.find("outcome"); it != body.end()) {
        if (action && action != TicketAction::close) {
            errors.push_back({"/outcome", "is only allowed with close"});
        } else if (!it->is_string()) {
            errors.push_back({"/outcome", "must be a string"});
        } else if (outcome = parse_outcome(it->get_ref<const std::string&>()); !outcome) {
            errors.push_back({"/outcome",
                              "must be one of assisted, not_eligible, unreachable, withdrawn, "
                              "duplicate, referred_onward"});
        }
    } else if (action == TicketAction::close) {
        errors.push_back({"/outcome", "is required to close"});
    }

    std::vector<AidMeasure> measures;
    if (auto it = body.find("measures"); it != body.end()) {
        if (action && action != TicketAction::close) {
            errors.push_back({"/measures", "is only allowed with close"});
        } else if (auto parsed = parse_measures(*it, "/measures"); !parsed) {
            errors.insert(errors.end(), parsed.error().begin(), parsed.error().end());
        } else {
            measures = std::move(*parsed);
        }
    }
    // "assisted" needs an aid measure, here or recorded on the ticket before: the service
    // checks that (it knows the ticket).

    std::optional<Referral> referral;
    if (auto it = body.find("referral"); it != body.end()) {
        if (outcome && outcome != Outcome::referred_onward) {
            errors.push_back({"/referral", "is only allowed with the outcome referred_onward"});
        } else if (!it->is_object()) {
            errors.push_back({"/referral", "must be an object"});
        } else {
            Referral r;
            for (const auto& [key, value] : it->items()) {
                if (key != "recipient_agency" && key != "purpose") {
                    errors.push_back({"/referral/" + json_pointer_token(key), "unknown member"});
                }
            }
            const auto agency = it->find("recipient_agency");
            if (agency == it->end() || !agency->is_string() ||
                agency->get_ref<const std::string&>().empty() ||
                agency->get_ref<const std::string&>().size() > 64) {
                errors.push_back({"/referral/recipient_agency", "is required: an agency id"});
            } else {
                r.recipient_agency = agency->get<std::string>();
            }
            const auto purpose = it->find("purpose");
            if (purpose == it->end() || !purpose->is_string() ||
                !vocabulary::is_service(purpose->get_ref<const std::string&>())) {
                errors.push_back({"/referral/purpose",
                                  "is required: a service such as "
                                  "psychological_counselling or legal_aid"});
            } else {
                r.purpose = purpose->get<std::string>();
            }
            referral = std::move(r);
        }
    } else if (outcome == Outcome::referred_onward) {
        errors.push_back({"/referral", "is required when the outcome is referred_onward"});
    }

    if (!errors.empty()) return unexpected(std::move(errors));
    return TransitionRequest{*action, reason_code,         std::move(reason),
                             outcome, std::move(measures), std::move(referral)};
}

std::span<const TransitionRule> transition_table() {
    return kTable;
}

Expected<TicketStatus, TransitionError> next_status(TicketStatus from, TicketAction action,
                                                    Party actor) {
    auto rule = std::find_if(kTable.begin(), kTable.end(), [&](const TransitionRule& r) {
        return r.from == from && r.action == action;
    });
    if (rule == kTable.end()) return unexpected(TransitionError::not_allowed_now);
    if (rule->actor != actor) return unexpected(TransitionError::wrong_party);
    return rule->to;
}

std::string event_type_for(TicketAction action) {
    switch (action) {
        case TicketAction::accept:
            return "ticket.accepted";
        case TicketAction::reject:
            return "ticket.rejected";
        case TicketAction::start:
            return "ticket.started";
        case TicketAction::hold:
            return "ticket.on_hold";
        case TicketAction::resume:
            return "ticket.resumed";
        case TicketAction::close:
            return "ticket.closed";
        case TicketAction::cancel:
            return "ticket.cancelled";
    }
    return "ticket.unknown";  // unreachable for a valid enum value
}

nlohmann::json to_json(const TicketEvent& e) {
    json j{
        {"sequence", e.sequence},    {"ticket_id", e.ticket_id},       {"type", e.type},
        {"to_status", e.to_status},  {"actor_agency", e.actor_agency}, {"actor_key", e.actor_key},
        {"at", format_rfc3339(e.at)}};
    if (e.from_status) j["from_status"] = *e.from_status;
    if (e.actor_person) {
        j["actor_person"] = {{"id", *e.actor_person}, {"display_name", e.actor_name.value_or("")}};
    }
    if (e.reason_code) j["reason_code"] = *e.reason_code;
    if (e.reason) j["reason"] = *e.reason;
    if (e.outcome) j["outcome"] = *e.outcome;
    if (e.related_ticket) j["related_ticket"] = *e.related_ticket;
    if (e.related_agency) j["related_agency"] = *e.related_agency;
    if (e.related_clue) j["related_clue"] = *e.related_clue;
    if (e.note_id) j["note_id"] = *e.note_id;
    if (e.measure_id) j["measure_id"] = *e.measure_id;
    if (e.assignee) j["assignee"] = *e.assignee;
    if (e.previous_assignee) j["previous_assignee"] = *e.previous_assignee;
    if (e.actor_issued_by) j["actor_issued_by"] = *e.actor_issued_by;
    return j;
}

}  // namespace clue_router::domain
