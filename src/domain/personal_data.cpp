#include "clue_router/domain/personal_data.hpp"

#include "clue_router/domain/phone.hpp"

namespace clue_router::domain {

const std::vector<std::string>& personal_data_pointers() {
    static const std::vector<std::string> pointers = {
        "/subject/name",       "/subject/id_number", "/subject/phone", "/subject/address",
        "/subject/birth_date", "/narrative",         "/reporter/name", "/reporter/phone",
    };
    return pointers;
}

std::vector<IdentifierTerm> identifier_terms(const ClueSubject& subject) {
    std::vector<IdentifierTerm> terms;
    if (subject.id_number) {
        // ID numbers were checked and normalised at intake; upper-casing again keeps the
        // term canonical for a record accepted under older rules.
        std::string id = *subject.id_number;
        for (char& c : id) {
            if (c == 'x') c = 'X';
        }
        terms.push_back({"id_number", std::move(id)});
    }
    if (subject.phone) {
        auto phone = normalize_phone(*subject.phone);
        terms.push_back({"phone", phone ? *phone : *subject.phone});
    }
    return terms;
}

}  // namespace clue_router::domain
