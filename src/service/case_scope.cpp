#include "clue_router/service/case_scope.hpp"

#include <algorithm>
#include <memory>

namespace clue_router::service {

namespace {

// A ticket its recipient still works or worked through: not refused by it, not withdrawn.
bool handled(const domain::Ticket& t) {
    return t.status != domain::TicketStatus::rejected &&
           t.status != domain::TicketStatus::cancelled;
}

ServiceError not_found(const char* what) {
    return error(ErrorKind::not_found, std::string("no such ") + what);
}

template <class Source>
Result<std::unique_ptr<ScopedCase>> load_case(Source& source, const Actor& actor,
                                              const std::string& case_id, const char* what) {
    // Supervisors see figures, never a record; nothing of theirs is even looked up.
    if (actor.role == Role::supervisor) return domain::unexpected(not_found(what));
    auto facts = source.case_facts(case_id);
    if (!facts) return domain::unexpected(not_found(what));
    auto scoped = std::make_unique<ScopedCase>();
    scoped->facts = std::move(*facts);
    scoped->scope.emplace(actor, scoped->facts);
    return scoped;
}

template <class Source>
Result<std::unique_ptr<ScopedCase>> load_for_clue(Source& source, const Actor& actor,
                                                  const std::string& clue_id) {
    if (actor.role == Role::supervisor) return domain::unexpected(not_found("clue"));
    const auto ref = source.clue_ref(clue_id);
    if (!ref) return domain::unexpected(not_found("clue"));
    auto scoped = load_case(source, actor, ref->case_id, "clue");
    if (!scoped) return scoped;
    if (!(*scoped)->scope->sees_clue(clue_id)) return domain::unexpected(not_found("clue"));
    return scoped;
}

template <class Source>
Result<std::unique_ptr<ScopedCase>> load_for_ticket(Source& source, const Actor& actor,
                                                    const std::string& ticket_id) {
    if (actor.role == Role::supervisor) return domain::unexpected(not_found("ticket"));
    const auto ticket = source.find_ticket(ticket_id);
    if (!ticket || !ticket->case_id) return domain::unexpected(not_found("ticket"));
    auto scoped = load_case(source, actor, *ticket->case_id, "ticket");
    if (!scoped) return scoped;
    if (!(*scoped)->scope->sees_ticket(ticket_in((*scoped)->facts, ticket_id))) {
        return domain::unexpected(not_found("ticket"));
    }
    return scoped;
}

}  // namespace

CaseScope::CaseScope(const Actor& actor, const storage::CaseFacts& facts)
    : facts_(facts), agency_(actor.agency_id) {
    none_ = actor.role == Role::supervisor;
    admin_ = actor.role == Role::admin;
    if (none_ || admin_) return;
    handler_ = std::any_of(facts.tickets.begin(), facts.tickets.end(), [&](const auto& t) {
        return t.recipient_agency == agency_ && handled(t);
    });
    reporter_ = std::any_of(facts.clues.begin(), facts.clues.end(),
                            [&](const auto& c) { return c.sender_agency == agency_; });
}

bool CaseScope::sees_case() const {
    return admin_ || handler_ || reporter_;
}

ClueAccess CaseScope::clue_access(const std::string& clue_id) const {
    if (none_) return ClueAccess::none;
    const auto clue = std::find_if(facts_.clues.begin(), facts_.clues.end(),
                                   [&](const auto& c) { return c.id == clue_id; });
    if (clue == facts_.clues.end()) return ClueAccess::none;
    if (admin_) return ClueAccess::masked;
    if (clue->sender_agency == agency_) return ClueAccess::full;
    ClueAccess access = ClueAccess::none;
    for (const auto& cover : facts_.coverage) {
        if (cover.clue_id != clue_id) continue;
        const auto& t = ticket_in(facts_, cover.ticket_id);
        if (t.recipient_agency != agency_) continue;
        // After a rejection (or a cancellation) the agency keeps what it handled, masked.
        if (handled(t)) return ClueAccess::full;
        access = ClueAccess::masked;
    }
    return access;
}

bool CaseScope::sees_ticket(const domain::Ticket& t) const {
    if (none_) return false;
    if (admin_ || handler_) return true;
    if (t.sender_agency == agency_ || t.recipient_agency == agency_) return true;
    if (t.escalated_to == agency_) return true;
    if (!reporter_) return false;
    // A reporter follows the tickets that carry its own clues.
    for (const auto& cover : facts_.coverage) {
        if (cover.ticket_id != t.id) continue;
        const auto clue = std::find_if(facts_.clues.begin(), facts_.clues.end(),
                                       [&](const auto& c) { return c.id == cover.clue_id; });
        if (clue != facts_.clues.end() && clue->sender_agency == agency_) return true;
    }
    return false;
}

domain::Ticket CaseScope::ticket_view(domain::Ticket ticket) const {
    ticket.clues.clear();
    for (const auto& id : carried_by(ticket.id)) {
        if (sees_clue(id)) ticket.clues.push_back(id);
    }
    // The parent a ticket was escalated to sees which clue it is about, as it always did.
    if (!sees_clue(ticket.clue_id) && !admin_ && ticket.escalated_to != agency_) {
        ticket.clue_id.clear();
    }
    return ticket;
}

std::vector<storage::CaseClue> CaseScope::visible_clues() const {
    std::vector<storage::CaseClue> out;
    for (const auto& c : facts_.clues) {
        if (sees_clue(c.id)) out.push_back(c);
    }
    return out;
}

std::vector<std::string> CaseScope::carried_by(const std::string& ticket_id) const {
    std::vector<std::string> out;
    for (const auto& cover : facts_.coverage) {
        if (cover.ticket_id == ticket_id) out.push_back(cover.clue_id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

const domain::Ticket& ticket_in(const storage::CaseFacts& facts, const std::string& ticket_id) {
    const auto it = std::find_if(facts.tickets.begin(), facts.tickets.end(),
                                 [&](const auto& t) { return t.id == ticket_id; });
    if (it == facts.tickets.end()) {
        throw storage::StorageError("a ticket of the case is missing from its facts");
    }
    return *it;
}

bool is_party(const Actor& actor, const domain::Ticket& ticket) {
    return ticket.sender_agency == actor.agency_id || ticket.recipient_agency == actor.agency_id;
}

Result<std::unique_ptr<ScopedCase>> scope_of_clue(storage::Reader& reader, const Actor& actor,
                                                  const std::string& clue_id) {
    return load_for_clue(reader, actor, clue_id);
}
Result<std::unique_ptr<ScopedCase>> scope_of_clue(storage::WriteTransaction& tx, const Actor& actor,
                                                  const std::string& clue_id) {
    return load_for_clue(tx, actor, clue_id);
}
Result<std::unique_ptr<ScopedCase>> scope_of_ticket(storage::Reader& reader, const Actor& actor,
                                                    const std::string& ticket_id) {
    return load_for_ticket(reader, actor, ticket_id);
}
Result<std::unique_ptr<ScopedCase>> scope_of_ticket(storage::WriteTransaction& tx,
                                                    const Actor& actor,
                                                    const std::string& ticket_id) {
    return load_for_ticket(tx, actor, ticket_id);
}

Result<std::unique_ptr<ScopedCase>> scope_of_case(storage::Reader& reader, const Actor& actor,
                                                  const std::string& case_id) {
    std::string id = case_id;
    // A merged case answers as the case it went into; chains are short (one per merge).
    for (int hops = 0; hops < 16; ++hops) {
        const auto record = reader.find_case(id);
        if (!record || !record->merged_into) break;
        id = *record->merged_into;
    }
    auto scoped = load_case(reader, actor, id, "case");
    if (!scoped) return scoped;
    if (!(*scoped)->scope->sees_case()) return domain::unexpected(not_found("case"));
    return scoped;
}

}  // namespace clue_router::service
