#pragma once
// A clue as submitted (DESIGN §5), validated and normalised. Parsing collects every field
// error at once, so an operator fixes a form in one round trip, not one field at a time.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct ClueSource {
    std::string channel;           // one of vocabulary::channels()
    std::string reference;         // the sender's own reference, 1-128 printable chars
    std::string received_at_text;  // as sent (RFC 3339), kept for display
    Timestamp received_at;         // the same instant in UTC
};

struct ClueSubject {
    std::optional<std::string> name;       // personal data
    std::optional<std::string> id_number;  // personal data, normalised (uppercase X)
    std::optional<std::string> phone;      // personal data, E.164
    std::optional<std::string> address;    // personal data
    std::string sex;                       // "female", "male", "unknown"; default "unknown"
    std::optional<CivilDate> birth_date;   // given, or derived from the ID number
    std::optional<int> age;                // given (0-130)
    std::string region;                    // GB/T 2260, 6 digits, structurally valid
    bool rural = false;
};

struct ClueReporter {
    std::string relation;              // self, family, neighbour, social_worker, official, other
    std::optional<std::string> name;   // personal data of the reporter
    std::optional<std::string> phone;  // E.164
};

struct ClueConsent {
    bool share_with_partners = false;
};

struct Clue {
    ClueSource source;
    ClueSubject subject;
    std::vector<std::string> indicators;  // distinct, each in vocabulary::indicators()
    std::string narrative;                // personal data; up to 20,000 characters
    ClueReporter reporter;
    ClueConsent consent;
};

// Validates a request body. Unknown top-level or nested members are rejected (a typo in a
// member name would otherwise silently drop data). Checks: channel and indicator
// vocabularies, RFC 3339 received_at, GB 11643 id_number (when given; its birth date and
// sex must agree with birth_date/age/sex when those are given too), phone, region code
// structure, string lengths, valid UTF-8 in every string.
Expected<Clue, FieldErrors> parse_clue(const nlohmann::json& body);

// What intake knows of time that the domain cannot read itself: the server's clock, and how far
// ahead of it a sender's clock may run.
struct IntakeClock {
    Timestamp now;
    std::chrono::seconds future_tolerance{300};
};

// As above, and source.received_at must not be more than `future_tolerance` after `now`: a
// report cannot arrive from the future, and a typed 2030 would skew every deadline and figure.
// (received_at before 1990 is refused by both: no hotline of the campaign is that old.)
Expected<Clue, FieldErrors> parse_clue(const nlohmann::json& body, const IntakeClock& clock);

// The clue in the API's JSON shape (the same shape parse_clue accepts, normalised).
nlohmann::json to_json(const Clue& clue);

// The inverse of to_json, for records this service stored itself. It maps and does not
// judge: a clue accepted under yesterday's rules must stay readable when intake rules are
// tightened tomorrow. Throws std::invalid_argument if the shape itself is broken (a member
// missing or of the wrong type), which only a hand-edited database can produce.
Clue clue_from_json(const nlohmann::json& doc);

// Age on a given date: the given age, else computed from the birth date.
std::optional<int> subject_age(const ClueSubject& subject, CivilDate today);

}  // namespace clue_router::domain
