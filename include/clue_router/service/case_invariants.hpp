#pragma once
// What must hold of cases after any change (DESIGN §4: no clue is ever without a ticket, a
// review entry or an answer; one case per woman). A pure check over a snapshot of the store,
// run by the tests after every path that changes a case; it names records by id and rule,
// never by content.
//
//   1. Every clue is in exactly one case, which exists and was not merged away.
//   2. Every ticket carries the clue it was opened for; a ticket carries only clues of its
//      own case.
//   3. needs_review: a review reason, and an open case. routed: a ticket carries it, and its
//      case is open. dismissed: a person decided (reviewed_at). answered: its case is closed.
//   4. A case is open exactly when a ticket of it is open or a clue of it waits for review; a
//      closed case has its closing time; a merged case has no clues.
//   5. One case per woman: two open cases that share a blind-indexed identifier were
//      separated by hand, or hold conflicting ID numbers (two women sharing a phone).
#include <string>
#include <vector>

#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// Every broken rule, one line each ("clue 0195…: routed but no ticket carries it"); empty when
// all hold.
std::vector<std::string> case_invariant_violations(const storage::CaseSnapshot& snapshot);

// The same over the store's current state.
std::vector<std::string> check_case_invariants(storage::Store& store);

}  // namespace clue_router::service
