#include "clue_router/domain/clue.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clue_router/domain/id_number.hpp"
#include "clue_router/domain/phone.hpp"
#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/text_checks.hpp"
#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxReference = 128;
constexpr std::size_t kMaxAddress = 256;
constexpr std::size_t kMaxNarrative = 20000;

std::string format_date(const CivilDate& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
    return buf;
}

std::optional<CivilDate> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    auto num = [&](std::size_t pos, std::size_t n) {
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    const CivilDate d{num(0, 4), unsigned(num(5, 2)), unsigned(num(8, 2))};
    if (!is_valid_civil_date(d.year, d.month, d.day)) return std::nullopt;
    return d;
}

bool date_less(const CivilDate& a, const CivilDate& b) {
    if (a.year != b.year) return a.year < b.year;
    if (a.month != b.month) return a.month < b.month;
    return a.day < b.day;
}

bool same_date(const CivilDate& a, const CivilDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

// Walks the body and collects every problem; each accessor returns nullopt when the member
// is absent or wrong, having recorded why.
class Reader {
  public:
    FieldErrors errors;

    void fail(std::string pointer, std::string detail) {
        errors.push_back({std::move(pointer), std::move(detail)});
    }

    // The object at `pointer`, or nullptr (with an error) when it is missing or not an object.
    const json* object(const json& parent, std::string_view key, const std::string& pointer) {
        auto it = parent.find(std::string(key));
        if (it == parent.end() || it->is_null()) {
            fail(pointer, "is required");
            return nullptr;
        }
        if (!it->is_object()) {
            fail(pointer, "must be an object");
            return nullptr;
        }
        return &*it;
    }

    void no_unknown_members(const json& obj, const std::string& pointer,
                            std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : obj.items()) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                fail(pointer + "/" + json_pointer_token(key), "unknown member");
            }
        }
    }

    // A member present and not null. JSON null counts as absent, as forms often send it.
    static const json* present(const json& obj, std::string_view key) {
        auto it = obj.find(std::string(key));
        if (it == obj.end() || it->is_null()) return nullptr;
        return &*it;
    }

    // A string member checked for UTF-8, control characters and length (in code points).
    std::optional<std::string> text(const json& obj, std::string_view key,
                                    const std::string& pointer, bool required, std::size_t min_len,
                                    std::size_t max_len, bool allow_line_breaks = false) {
        const json* v = present(obj, key);
        if (v == nullptr) {
            if (required) fail(pointer, "is required");
            return std::nullopt;
        }
        if (!v->is_string()) {
            fail(pointer, "must be a string");
            return std::nullopt;
        }
        const auto& s = v->get_ref<const std::string&>();
        const TextScan scan = scan_text(s, allow_line_breaks);
        if (!scan.valid_utf8) {
            fail(pointer, "must be valid UTF-8");
            return std::nullopt;
        }
        if (scan.has_control) {
            fail(pointer, "must not contain control characters");
            return std::nullopt;
        }
        if (scan.code_points < min_len || scan.code_points > max_len) {
            if (min_len == 0) {
                fail(pointer, "must be at most " + std::to_string(max_len) + " characters");
            } else {
                fail(pointer, "must be " + std::to_string(min_len) + " to " +
                                  std::to_string(max_len) + " characters");
            }
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolean(const json& obj, std::string_view key, const std::string& pointer,
                                bool required) {
        const json* v = present(obj, key);
        if (v == nullptr) {
            if (required) fail(pointer, "is required");
            return std::nullopt;
        }
        if (!v->is_boolean()) {
            fail(pointer, "must be true or false");
            return std::nullopt;
        }
        return v->get<bool>();
    }
};

// Identifiers (channel, sex, relation, indicators) are short ASCII words; a bounded length
// keeps a huge string out of the vocabulary lookups.
constexpr std::size_t kMaxWord = 64;

// The earliest received_at accepted: 1990-01-01T00:00:00Z. Earlier dates are typos (1926 for
// 2026), not clues: the 12309 and 12338 hotlines and the campaign are all much younger.
constexpr Timestamp kEarliestReceived{
    std::chrono::sys_days{std::chrono::year{1990} / std::chrono::January / 1}};

void parse_source(Reader& r, const json& body, Clue& clue, bool& received_ok,
                  const IntakeClock* clock) {
    const json* src = r.object(body, "source", "/source");
    if (src == nullptr) return;
    r.no_unknown_members(*src, "/source", {"channel", "reference", "received_at"});
    if (auto ch = r.text(*src, "channel", "/source/channel", true, 1, kMaxWord)) {
        if (vocabulary::is_channel(*ch)) {
            clue.source.channel = *ch;
        } else {
            r.fail("/source/channel", vocabulary::one_of(vocabulary::channels()));
        }
    }
    if (auto ref = r.text(*src, "reference", "/source/reference", true, 1, kMaxReference)) {
        clue.source.reference = *ref;
    }
    if (auto at = r.text(*src, "received_at", "/source/received_at", true, 1, kMaxWord)) {
        if (auto t = parse_rfc3339(*at); t && *t < kEarliestReceived) {
            r.fail("/source/received_at", "must not be before 1990-01-01");
        } else if (t && clock != nullptr && *t > clock->now + clock->future_tolerance) {
            r.fail("/source/received_at",
                   "is in the future: more than " +
                       std::to_string(clock->future_tolerance.count() / 60) +
                       " minutes ahead of the server's clock; send the time the report was "
                       "received, with its UTC offset (e.g. +08:00)");
        } else if (t) {
            clue.source.received_at = *t;
            clue.source.received_at_text = *at;
            received_ok = true;
        } else {
            r.fail("/source/received_at", "must be an RFC 3339 date-time");
        }
    }
}

void parse_subject(Reader& r, const json& body, Clue& clue, bool received_ok) {
    const json* sub = r.object(body, "subject", "/subject");
    if (sub == nullptr) return;
    ClueSubject& s = clue.subject;
    r.no_unknown_members(
        *sub, "/subject",
        {"name", "id_number", "phone", "address", "sex", "birth_date", "age", "region", "rural"});
    s.name = r.text(*sub, "name", "/subject/name", false, 1, kMaxName);

    // The domain reads no clock, but received_at bounds every date in the clue: nobody is
    // born after the clue about her arrived. The bound is the sender's local date, which is
    // at most 14 hours ahead of UTC.
    const std::optional<CivilDate> received =
        received_ok ? std::optional(civil_date_of(clue.source.received_at + std::chrono::hours{14}))
                    : std::nullopt;
    std::optional<IdNumber> id;
    if (auto text = r.text(*sub, "id_number", "/subject/id_number", false, 1, kMaxWord)) {
        auto parsed = parse_id_number(*text);
        if (parsed && received && date_less(*received, parsed->birth)) {
            r.fail("/subject/id_number", "birth date is after the clue was received");
        } else if (parsed) {
            id = *parsed;
            s.id_number = parsed->normalized;
        } else {
            r.fail("/subject/id_number", parsed.error());
        }
    }

    if (auto text = r.text(*sub, "phone", "/subject/phone", false, 1, kMaxWord)) {
        auto phone = normalize_phone(*text);
        if (phone) {
            s.phone = *phone;
        } else {
            r.fail("/subject/phone", phone.error());
        }
    }
    s.address = r.text(*sub, "address", "/subject/address", false, 1, kMaxAddress);

    std::optional<std::string> sex;
    if (auto text = r.text(*sub, "sex", "/subject/sex", false, 1, kMaxWord)) {
        if (vocabulary::is_sex(*text)) {
            sex = *text;
        } else {
            r.fail("/subject/sex", vocabulary::one_of(vocabulary::sexes()));
        }
    }
    s.sex = sex.value_or("unknown");
    if (id) {
        const std::string id_sex = id->female ? "female" : "male";
        if (s.sex == "unknown") {
            // The ID number states the sex; "unknown" only means the operator did not say.
            s.sex = id_sex;
        } else if (s.sex != id_sex) {
            r.fail("/subject/sex", "does not match the ID number");
        }
    }

    if (auto text = r.text(*sub, "birth_date", "/subject/birth_date", false, 1, kMaxWord)) {
        auto d = parse_date(*text);
        if (!d) {
            r.fail("/subject/birth_date", "must be a real date written YYYY-MM-DD");
        } else if (d->year < 1900) {
            r.fail("/subject/birth_date", "must not be before 1900");
        } else if (id && !same_date(*d, id->birth)) {
            r.fail("/subject/birth_date", "does not match the ID number");
        } else if (received && date_less(*received, *d)) {
            r.fail("/subject/birth_date", "is after the clue was received");
        } else {
            s.birth_date = *d;
        }
    } else if (id && Reader::present(*sub, "birth_date") == nullptr) {
        s.birth_date = id->birth;
    }

    if (const json* age = Reader::present(*sub, "age")) {
        if (!age->is_number_integer()) {
            r.fail("/subject/age", "must be an integer");
        } else if (age->is_number_unsigned()
                       ? age->get<std::uint64_t>() > 130
                       : (age->get<std::int64_t>() < 0 || age->get<std::int64_t>() > 130)) {
            r.fail("/subject/age", "must be between 0 and 130");
        } else {
            const int a = age->get<int>();
            // A stated age is what the reporter said: often a nominal age (虚岁, one or two
            // more than the full years) or a rounded guess, as in the sample clues. Only a
            // gap of more than two years is a contradiction worth sending back.
            const bool consistent =
                !(s.birth_date && received) || std::abs(a - age_on(*s.birth_date, *received)) <= 2;
            if (consistent) {
                s.age = a;
            } else {
                r.fail("/subject/age", "does not match the birth date");
            }
        }
    }

    if (auto text = r.text(*sub, "region", "/subject/region", true, 1, kMaxWord)) {
        auto code = RegionCode::parse(*text);
        if (code) {
            s.region = code->str();
        } else {
            r.fail("/subject/region", code.error());
        }
    }
    s.rural = r.boolean(*sub, "rural", "/subject/rural", false).value_or(false);
}

void parse_indicators(Reader& r, const json& body, Clue& clue) {
    const json* list = Reader::present(body, "indicators");
    if (list == nullptr) return;
    if (!list->is_array()) {
        r.fail("/indicators", "must be an array");
        return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string pointer = "/indicators/" + std::to_string(i);
        const json& item = (*list)[i];
        if (!item.is_string()) {
            r.fail(pointer, "must be a string");
            continue;
        }
        const auto& v = item.get_ref<const std::string&>();
        if (!vocabulary::is_indicator(v)) {
            r.fail(pointer, vocabulary::one_of(vocabulary::indicators()));
        } else if (std::find(clue.indicators.begin(), clue.indicators.end(), v) !=
                   clue.indicators.end()) {
            r.fail(pointer, "is repeated");
        } else {
            clue.indicators.push_back(v);
        }
    }
}

void parse_reporter(Reader& r, const json& body, Clue& clue) {
    const json* rep = r.object(body, "reporter", "/reporter");
    if (rep == nullptr) return;
    r.no_unknown_members(*rep, "/reporter", {"relation", "name", "phone"});
    if (auto rel = r.text(*rep, "relation", "/reporter/relation", true, 1, kMaxWord)) {
        if (vocabulary::is_reporter_relation(*rel)) {
            clue.reporter.relation = *rel;
        } else {
            r.fail("/reporter/relation", vocabulary::one_of(vocabulary::reporter_relations()));
        }
    }
    clue.reporter.name = r.text(*rep, "name", "/reporter/name", false, 1, kMaxName);
    if (auto text = r.text(*rep, "phone", "/reporter/phone", false, 1, kMaxWord)) {
        auto phone = normalize_phone(*text);
        if (phone) {
            clue.reporter.phone = *phone;
        } else {
            r.fail("/reporter/phone", phone.error());
        }
    }
}

// The checks of both parse_clue overloads; without a clock, no check needs the time now.
Expected<Clue, FieldErrors> parse_clue_with(const json& body, const IntakeClock* clock) {
    Reader r;
    if (!body.is_object()) {
        r.fail("", "must be an object");
        return unexpected(std::move(r.errors));
    }
    r.no_unknown_members(body, "",
                         {"source", "subject", "indicators", "narrative", "reporter", "consent"});
    Clue clue;
    bool received_ok = false;
    parse_source(r, body, clue, received_ok, clock);
    parse_subject(r, body, clue, received_ok);
    parse_indicators(r, body, clue);
    clue.narrative =
        r.text(body, "narrative", "/narrative", false, 0, kMaxNarrative, true).value_or("");
    parse_reporter(r, body, clue);
    if (const json* consent = r.object(body, "consent", "/consent")) {
        r.no_unknown_members(*consent, "/consent", {"share_with_partners"});
        if (auto share =
                r.boolean(*consent, "share_with_partners", "/consent/share_with_partners", true)) {
            clue.consent.share_with_partners = *share;
        }
    }
    if (!r.errors.empty()) return unexpected(std::move(r.errors));
    return clue;
}

}  // namespace

Expected<Clue, FieldErrors> parse_clue(const json& body) {
    return parse_clue_with(body, nullptr);
}

Expected<Clue, FieldErrors> parse_clue(const json& body, const IntakeClock& clock) {
    return parse_clue_with(body, &clock);
}

json to_json(const Clue& clue) {
    json subject = json::object();
    const ClueSubject& s = clue.subject;
    if (s.name) subject["name"] = *s.name;
    if (s.id_number) subject["id_number"] = *s.id_number;
    if (s.phone) subject["phone"] = *s.phone;
    if (s.address) subject["address"] = *s.address;
    subject["sex"] = s.sex;
    if (s.birth_date) subject["birth_date"] = format_date(*s.birth_date);
    if (s.age) subject["age"] = *s.age;
    subject["region"] = s.region;
    subject["rural"] = s.rural;

    json reporter = {{"relation", clue.reporter.relation}};
    if (clue.reporter.name) reporter["name"] = *clue.reporter.name;
    if (clue.reporter.phone) reporter["phone"] = *clue.reporter.phone;

    // received_at goes out as it was sent (with its offset), so the round trip keeps the
    // sender's local time for display; the instant is the same.
    return json{{"source",
                 {{"channel", clue.source.channel},
                  {"reference", clue.source.reference},
                  {"received_at", clue.source.received_at_text}}},
                {"subject", std::move(subject)},
                {"indicators", clue.indicators},
                {"narrative", clue.narrative},
                {"reporter", std::move(reporter)},
                {"consent", {{"share_with_partners", clue.consent.share_with_partners}}}};
}

Clue clue_from_json(const json& doc) {
    try {
        Clue clue;
        const json& source = doc.at("source");
        clue.source.channel = source.at("channel").get<std::string>();
        clue.source.reference = source.at("reference").get<std::string>();
        clue.source.received_at_text = source.at("received_at").get<std::string>();
        const auto received = parse_rfc3339(clue.source.received_at_text);
        if (!received) throw std::invalid_argument("source.received_at is not RFC 3339");
        clue.source.received_at = *received;

        const json& subject = doc.at("subject");
        const auto text = [](const json& object, const char* member) {
            const auto it = object.find(member);
            return it == object.end() ? std::nullopt
                                      : std::optional<std::string>(it->get<std::string>());
        };
        ClueSubject& s = clue.subject;
        s.name = text(subject, "name");
        s.id_number = text(subject, "id_number");
        s.phone = text(subject, "phone");
        s.address = text(subject, "address");
        s.sex = subject.at("sex").get<std::string>();
        if (const auto birth = text(subject, "birth_date")) {
            s.birth_date = parse_date(*birth);
            if (!s.birth_date) throw std::invalid_argument("subject.birth_date is not a date");
        }
        if (const auto age = subject.find("age"); age != subject.end()) s.age = age->get<int>();
        s.region = subject.at("region").get<std::string>();
        s.rural = subject.at("rural").get<bool>();

        clue.indicators = doc.at("indicators").get<std::vector<std::string>>();
        clue.narrative = doc.at("narrative").get<std::string>();
        const json& reporter = doc.at("reporter");
        clue.reporter.relation = reporter.at("relation").get<std::string>();
        clue.reporter.name = text(reporter, "name");
        clue.reporter.phone = text(reporter, "phone");
        clue.consent.share_with_partners = doc.at("consent").at("share_with_partners").get<bool>();
        return clue;
    } catch (const json::exception& e) {
        // nlohmann's message names the member or type, never a value.
        throw std::invalid_argument(e.what());
    }
}

std::optional<int> subject_age(const ClueSubject& subject, CivilDate today) {
    if (subject.age) return subject.age;
    if (subject.birth_date) return age_on(*subject.birth_date, today);
    return std::nullopt;
}

}  // namespace clue_router::domain
