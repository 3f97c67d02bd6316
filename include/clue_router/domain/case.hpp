#pragma once
// A case: the clues about one woman (DESIGN §4, "Case"). Pure rules over values: whether two
// cases are the same woman's, how their screenings merge, how priorities combine. Storage
// keeps the case rows and the service applies these rules inside units of work
// (service/case_membership).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clue_router/domain/screening.hpp"

namespace clue_router::domain {

// open: something of the case is still being handled (an open ticket, or a clue waiting in
// the review queue); closed: every clue of it has its answer; merged: it was found to be
// another case's woman and its clues moved there (merged_into names the case).
enum class CaseStatus { open, closed, merged };
std::string_view to_string(CaseStatus s);
std::optional<CaseStatus> parse_case_status(std::string_view s);

// The higher of two priorities: a case's priority is never lowered by a clue that joins it.
Priority higher(Priority a, Priority b);

// The screening of a case with one more clue's screening in it: key groups united (a group
// in both keeps the higher score and the reasons of both), urgency reasons, negated terms and
// weak groups united (a weak group that the other side matched is no longer weak), score and
// priority never lowered. The criteria version is the one of the screening merged last.
// Generic over the reasons: they are carried as they are, never looked into.
Screening merge_screenings(Screening into, const Screening& from);

// One blind-indexed identifier of a subject: kind "id_number" or "phone", and its digest.
struct CaseIdentifier {
    std::string kind;
    std::string digest;
    friend bool operator==(const CaseIdentifier&, const CaseIdentifier&) = default;
};

// What tells one case's woman from another: the identifiers of its clues.
struct CaseIdentity {
    std::string case_id;
    std::vector<CaseIdentifier> identifiers;
};

// Whether the two cases share any identifier.
bool shares_identifier(const CaseIdentity& a, const CaseIdentity& b);
// Whether both carry ID numbers and none is shared: two women, even when they share a phone
// (a mother and a daughter, a shelter's landline).
bool id_numbers_conflict(const CaseIdentity& a, const CaseIdentity& b);
// Whether two open cases are one woman's and must be one case: they share an identifier,
// their ID numbers do not conflict, and staff did not separate them by hand.
bool belong_together(const CaseIdentity& a, const CaseIdentity& b, bool separated_by_hand);

}  // namespace clue_router::domain
