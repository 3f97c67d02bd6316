#pragma once
// How clues come together in cases and how a case comes to its end, inside units of work
// (DESIGN §4, "Case"). Every path that adds a clue to a case, moves one between cases, opens
// a ticket on a case or finishes something of it goes through here, so the rules are the same
// whether a report arrives, staff link or unlink by hand, or a ticket is rejected:
//
//   - one case per woman: open cases that share a blind-indexed identifier, whose ID numbers
//     do not conflict and that staff did not separate are merged (the older one stays);
//   - a clue handed over to partners is carried by every open ticket of its case, and every
//     ticket opened on a case carries every clue of it handed over so far; finished tickets
//     are not given new clues (their agencies keep what they handled);
//   - a purpose that no ticket of the case serves (open or closed; rejected and cancelled
//     ones do not count) gets its ticket;
//   - the case's priority is never lowered;
//   - a case closes when no ticket of it is open and no clue of it waits for review; its
//     clues that were with partners are then answered, each sender told (clue.answered).
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/routing.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// A clue whose contents went to partners (or would have, had an agency been found): it has
// consent to share, or staff confirmed consent when routing it by hand.
bool handed_over(const storage::CaseClue& clue);
// The handed-over clues of a case, by id.
std::vector<std::string> handed_over_clues(const storage::CaseFacts& facts);
// Whether a ticket of the case serves the purpose: open or closed, not rejected or cancelled.
bool purpose_served(const storage::CaseFacts& facts, const std::string& purpose);
// Agencies that rejected the purpose on this case, or hold it open: a new ticket for the
// purpose goes to none of them.
std::vector<std::string> excluded_for(const storage::CaseFacts& facts, const std::string& purpose);

// A fresh, open case.
storage::CaseRecord new_case(const std::string& id, domain::Priority priority,
                             domain::Timestamp now);

// Unites the case with every open case of the same woman (domain::belong_together), linking
// the clues that matched; returns the case that remains (the oldest).
std::string consolidate(storage::WriteTransaction& tx, const Actor& actor, std::string case_id,
                        domain::Timestamp now);

// Moves every clue (and so every ticket) of `from` into `into`; the open tickets of each side
// carry the other side's handed-over clues from now on. `from` becomes merged.
void merge_cases(storage::WriteTransaction& tx, const Actor& actor, const std::string& from,
                 const std::string& into, domain::Timestamp now);

// The case's open tickets carry the clue from now on (a ticket.clue_added event each); returns
// how many gained it.
int share_clue(storage::WriteTransaction& tx, const Actor& actor, const storage::CaseFacts& facts,
               const std::string& clue_id, domain::Timestamp now);

// What a clue joining an open case came to.
struct Joined {
    std::vector<domain::Ticket> new_tickets;  // for purposes the case had no ticket for
    std::vector<std::string> unrouted;        // purposes no agency could take
};

// A newly submitted clue (already stored, already in its case) joins the case: the open
// tickets carry it, purposes of its routing decision that no ticket of the case serves get
// their ticket (at the case's priority), and its status and review reason are set: routed
// when a ticket carries it and nothing is left over, waiting for review otherwise.
Joined join_case(storage::WriteTransaction& tx, const Actor& actor, storage::StoredClue& clue,
                 const domain::RoutingDecision& decision, const RuntimeConfig& config,
                 domain::Timestamp now);

// Clue `clue_id` is not the woman of its case: it leaves for a case of its own, separated
// from every clue it leaves behind; tickets opened for it go with it and stop carrying the
// others, the others' tickets stop carrying it; each side then gets tickets for the purposes
// its clues need and no ticket of it serves any more, is consolidated, and refreshed. Returns
// the clue's new case.
std::string separate_clue(storage::WriteTransaction& tx, const Actor& actor,
                          const std::string& clue_id, const RuntimeConfig& config,
                          domain::Timestamp now);

// Closes the case when nothing of it is open any more, answering its routed clues.
void refresh_case(storage::WriteTransaction& tx, const Actor& actor, const std::string& case_id,
                  domain::Timestamp now);

}  // namespace clue_router::service
