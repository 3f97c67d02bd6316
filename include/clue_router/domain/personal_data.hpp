#pragma once
// Which parts of a clue are personal data, and the normalised identifiers that can find the
// same person again. Pure: storage seals the values these name, the blind index hashes the
// identifiers (service/data_keys), masking and purging act on the same list.
#include <string>
#include <string_view>
#include <vector>

#include "clue_router/domain/clue.hpp"

namespace clue_router::domain {

// JSON pointers, into the document to_json(Clue) makes, of every personal value: the
// subject's name, ID number, phone, address and birth date (digits 7-14 of the ID number),
// the narrative, the reporter's name and phone.
const std::vector<std::string>& personal_data_pointers();

// An identifier of the subject in a canonical form: kind "id_number" (18 characters, check
// character in upper case) or "phone" (E.164). Two clues about the same woman give equal
// terms however the operator typed them.
struct IdentifierTerm {
    std::string kind;
    std::string normalised;
    // What the blind index hashes: kind and value, so that an ID number and a phone that
    // happened to share digits never collide.
    std::string indexed() const { return kind + ':' + normalised; }
};

std::vector<IdentifierTerm> identifier_terms(const ClueSubject& subject);

}  // namespace clue_router::domain
