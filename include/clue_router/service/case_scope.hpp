#pragma once
// Who may see what of a case: the one rule behind every read of a clue, a ticket, a ticket's
// history and notes, and the case view (docs/architecture.md, "The case and its scope").
//
// It is decided on storage::CaseFacts — clear columns, tickets and coverage — so nothing is
// decrypted before the caller is known to be allowed: "not yours" costs what "no such record"
// costs, and both are the same 404.
//
//   admin        every clue (masked; clear only by break-glass), every ticket, the case,
//                notes without their text;
//   handler      an agency that holds a ticket of the case it did not reject and that was not
//                cancelled: every ticket of the case, its history and notes, the case view,
//                and the clues its tickets carry, in clear if its role allows;
//   former       an agency whose tickets of the case were all rejected by it or cancelled:
//                those tickets and the clues they carried, masked, nothing else;
//   reporter     an agency that sent a clue of the case: its own clues, the tickets that carry
//                them or that it sent, the case view limited to those — never another
//                sender's clue, nor its id;
//   escalated    the parent agency a ticket was escalated to: that ticket and its history;
//   supervisor   nothing (figures only).
// An agency may be several of these; it gets the union.
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// What an actor may do with a clue: nothing, read it masked, or read it as an agency handling
// or sending it (masked by default, clear on request, audited).
enum class ClueAccess { none, masked, full };

class CaseScope {
  public:
    CaseScope(const Actor& actor, const storage::CaseFacts& facts);

    bool sees_case() const;
    ClueAccess clue_access(const std::string& clue_id) const;
    bool sees_clue(const std::string& clue_id) const {
        return clue_access(clue_id) != ClueAccess::none;
    }
    bool sees_ticket(const domain::Ticket& ticket) const;
    // Handlers work the case; notes are theirs to read and write.
    bool handler() const { return handler_; }
    bool sees_notes() const { return admin_ || handler_; }
    bool sees_note_text() const { return handler_; }

    // The ticket as this reader may see it: `clues` lists the clues it carries that the reader
    // may see, and `clue_id` is emptied when the reader may not see the clue it was opened for.
    domain::Ticket ticket_view(domain::Ticket ticket) const;
    // The case's clues this reader may see.
    std::vector<storage::CaseClue> visible_clues() const;
    // The clues a ticket carries, in id order.
    std::vector<std::string> carried_by(const std::string& ticket_id) const;

  private:
    const storage::CaseFacts& facts_;
    std::string agency_;
    bool none_ = false;  // supervisors
    bool admin_ = false;
    bool handler_ = false;
    bool reporter_ = false;
};

// A record with the facts of its case and the scope decided on them. Loaders answer
// not_found — the same for "no such record" and "not yours" — when the actor may not see it.
struct ScopedCase {
    storage::CaseFacts facts;
    std::optional<CaseScope> scope;  // refers to facts: ScopedCase is neither copied nor moved
    ScopedCase() = default;
    ScopedCase(const ScopedCase&) = delete;
    ScopedCase& operator=(const ScopedCase&) = delete;
};

// The clue's case, or not_found when the actor may not see the clue.
Result<std::unique_ptr<ScopedCase>> scope_of_clue(storage::Reader& reader, const Actor& actor,
                                                  const std::string& clue_id);
Result<std::unique_ptr<ScopedCase>> scope_of_clue(storage::WriteTransaction& tx, const Actor& actor,
                                                  const std::string& clue_id);
// The ticket's case, or not_found when the actor may not see the ticket.
Result<std::unique_ptr<ScopedCase>> scope_of_ticket(storage::Reader& reader, const Actor& actor,
                                                    const std::string& ticket_id);
Result<std::unique_ptr<ScopedCase>> scope_of_ticket(storage::WriteTransaction& tx,
                                                    const Actor& actor,
                                                    const std::string& ticket_id);
// The case (a merged one answers as the case it went into), or not_found.
Result<std::unique_ptr<ScopedCase>> scope_of_case(storage::Reader& reader, const Actor& actor,
                                                  const std::string& case_id);

// The ticket of the facts with this id (it is there: the loaders checked).
const domain::Ticket& ticket_in(const storage::CaseFacts& facts, const std::string& ticket_id);

// Whether an actor may move a ticket: only its sender and its recipient.
bool is_party(const Actor& actor, const domain::Ticket& ticket);

}  // namespace clue_router::service
