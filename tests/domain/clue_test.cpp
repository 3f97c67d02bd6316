#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/id_number.hpp"
#include "clue_router/domain/vocabulary.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

json valid_body() {
    return json::parse(R"({
        "source": {"channel": "hotline_12309", "reference": "12309-20261120-0042",
                   "received_at": "2026-11-20T09:12:00+08:00"},
        "subject": {"name": "测试人", "id_number": "51170219810312024X",
                    "phone": "138 0013 0001", "sex": "female", "age": 45,
                    "region": "511702", "rural": true},
        "indicators": ["domestic_violence"],
        "narrative": "我丈夫经常喝酒后打我……",
        "reporter": {"relation": "self"},
        "consent": {"share_with_partners": true}
    })");
}

json minimal_body() {
    return json::parse(R"({
        "source": {"channel": "other", "reference": "R-1",
                   "received_at": "2026-11-20T01:12:00Z"},
        "subject": {"region": "510000"},
        "reporter": {"relation": "neighbour"},
        "consent": {"share_with_partners": false}
    })");
}

FieldErrors errors_of(const json& body) {
    auto r = parse_clue(body);
    REQUIRE_FALSE(r);
    return r.error();
}

// The single error a body produces.
FieldError only_error(const json& body) {
    const FieldErrors errors = errors_of(body);
    REQUIRE(errors.size() == 1);
    return errors.front();
}

std::vector<json> sample_clues() {
    std::ifstream in(CLUE_ROUTER_SOURCE_DIR "/tests/fixtures/clues.jsonl");
    REQUIRE(in);
    std::vector<json> out;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(json::parse(line).at("clue"));
    }
    return out;
}

std::string codepoints(const std::string& unit, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += unit;
    return s;
}

}  // namespace

TEST_CASE("clue: the DESIGN example parses and is normalised", "[clue][domain]") {
    auto r = parse_clue(valid_body());
    REQUIRE(r);
    const Clue& c = *r;
    CHECK(c.source.channel == "hotline_12309");
    CHECK(c.source.reference == "12309-20261120-0042");
    CHECK(c.source.received_at_text == "2026-11-20T09:12:00+08:00");
    CHECK(format_rfc3339(c.source.received_at) == "2026-11-20T01:12:00.000Z");
    CHECK(c.subject.name == "测试人");
    CHECK(c.subject.id_number == "51170219810312024X");
    CHECK(c.subject.phone == "+8613800130001");
    CHECK_FALSE(c.subject.address);
    CHECK(c.subject.sex == "female");
    REQUIRE(c.subject.birth_date);  // derived from the ID number
    CHECK(c.subject.birth_date->year == 1981);
    CHECK(c.subject.birth_date->month == 3u);
    CHECK(c.subject.birth_date->day == 12u);
    CHECK(c.subject.age == 45);
    CHECK(c.subject.region == "511702");
    CHECK(c.subject.rural);
    CHECK(c.indicators == std::vector<std::string>{"domestic_violence"});
    CHECK(c.narrative == "我丈夫经常喝酒后打我……");
    CHECK(c.reporter.relation == "self");
    CHECK_FALSE(c.reporter.name);
    CHECK_FALSE(c.reporter.phone);
    CHECK(c.consent.share_with_partners);

    const json out = to_json(c);
    CHECK(out["subject"]["phone"] == "+8613800130001");
    CHECK(out["subject"]["birth_date"] == "1981-03-12");
    CHECK(out["source"]["received_at"] == "2026-11-20T09:12:00+08:00");
    CHECK_FALSE(out["subject"].contains("address"));
    CHECK_FALSE(out["reporter"].contains("name"));
}

TEST_CASE("clue: optional members take their defaults", "[clue][domain]") {
    auto r = parse_clue(minimal_body());
    REQUIRE(r);
    CHECK(r->subject.sex == "unknown");
    CHECK_FALSE(r->subject.rural);
    CHECK_FALSE(r->subject.birth_date);
    CHECK_FALSE(r->subject.age);
    CHECK(r->indicators.empty());
    CHECK(r->narrative.empty());
    CHECK_FALSE(r->consent.share_with_partners);

    const json out = to_json(*r);
    CHECK(out == json::parse(R"({
        "source": {"channel": "other", "reference": "R-1",
                   "received_at": "2026-11-20T01:12:00Z"},
        "subject": {"sex": "unknown", "region": "510000", "rural": false},
        "indicators": [], "narrative": "",
        "reporter": {"relation": "neighbour"},
        "consent": {"share_with_partners": false}
    })"));

    // JSON null is the same as an absent optional member.
    json body = minimal_body();
    body["subject"]["name"] = nullptr;
    body["subject"]["age"] = nullptr;
    body["indicators"] = nullptr;
    body["narrative"] = nullptr;
    auto with_nulls = parse_clue(body);
    REQUIRE(with_nulls);
    CHECK(to_json(*with_nulls) == out);
}

TEST_CASE("clue: the sex follows from the ID number when not given", "[clue][domain]") {
    json body = valid_body();
    body["subject"].erase("sex");
    auto r = parse_clue(body);
    REQUIRE(r);
    CHECK(r->subject.sex == "female");

    body["subject"]["sex"] = "unknown";
    body["subject"]["id_number"] = "110105199001010010";  // sequence 001: male
    body["subject"].erase("age");
    auto male = parse_clue(body);
    REQUIRE(male);
    CHECK(male->subject.sex == "male");
}

TEST_CASE("clue: all sample clues parse and round-trip", "[clue][domain]") {
    const auto samples = sample_clues();
    REQUIRE(samples.size() >= 20);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        INFO("sample " << i + 1);
        auto first = parse_clue(samples[i]);
        if (!first) {
            for (const auto& e : first.error()) UNSCOPED_INFO(e.pointer << ": " << e.detail);
        }
        REQUIRE(first);
        CHECK(first->source.reference == samples[i]["source"]["reference"]);
        CHECK(first->subject.phone == "+86" + samples[i]["subject"]["phone"].get<std::string>());
        const json& subject = samples[i]["subject"];
        if (subject.contains("id_number")) {
            CHECK(first->subject.id_number == subject["id_number"].get<std::string>());
        } else {
            CHECK_FALSE(first->subject.id_number);
        }
        CHECK(first->subject.birth_date.has_value());
        CHECK(first->narrative == samples[i]["narrative"]);

        const json once = to_json(*first);
        auto second = parse_clue(once);
        REQUIRE(second);
        CHECK(to_json(*second) == once);
        CHECK(second->source.received_at == first->source.received_at);
        CHECK(second->subject.age == first->subject.age);
        CHECK(second->subject.sex == first->subject.sex);
        CHECK(second->indicators == first->indicators);
    }
}

TEST_CASE("clue: a full clue round-trips with every optional member", "[clue][domain]") {
    json body = valid_body();
    body["subject"]["address"] = "四川省达州市通川区某街道 12 号";
    body["subject"]["birth_date"] = "1981-03-12";
    body["reporter"] = {{"relation", "family"}, {"name", "张三"}, {"phone", "0818-2345678"}};
    body["narrative"] = "第一行\n第二行\r\n\t缩进";
    auto r = parse_clue(body);
    REQUIRE(r);
    CHECK(r->reporter.phone == "+868182345678");
    const json once = to_json(*r);
    auto again = parse_clue(once);
    REQUIRE(again);
    CHECK(to_json(*again) == once);
    CHECK(once["subject"]["address"] == "四川省达州市通川区某街道 12 号");
    CHECK(once["reporter"]["name"] == "张三");
    CHECK(once["narrative"] == "第一行\n第二行\r\n\t缩进");
}

TEST_CASE("clue: the body must be an object", "[clue][domain]") {
    CHECK(only_error(json::array()) == FieldError{"", "must be an object"});
    CHECK(only_error(json("text")) == FieldError{"", "must be an object"});
}

TEST_CASE("clue: missing required members", "[clue][domain]") {
    CHECK(errors_of(json::object()) == FieldErrors{{"/source", "is required"},
                                                   {"/subject", "is required"},
                                                   {"/reporter", "is required"},
                                                   {"/consent", "is required"}});
    json body = minimal_body();
    body["source"] = json::object();
    body["subject"] = json::object();
    body["reporter"] = json::object();
    body["consent"] = json::object();
    CHECK(errors_of(body) == FieldErrors{{"/source/channel", "is required"},
                                         {"/source/reference", "is required"},
                                         {"/source/received_at", "is required"},
                                         {"/subject/region", "is required"},
                                         {"/reporter/relation", "is required"},
                                         {"/consent/share_with_partners", "is required"}});
}

TEST_CASE("clue: unknown members", "[clue][domain]") {
    json body = valid_body();
    body["priority"] = "urgent";
    body["subject"]["nickname"] = "x";
    body["subject"]["a/b~c"] = 1;
    body["source"]["recieved_at"] = "2026-11-20T09:12:00+08:00";
    body["reporter"]["email"] = "a@b.c";
    body["consent"]["share"] = true;
    CHECK(errors_of(body) == FieldErrors{{"/priority", "unknown member"},
                                         {"/source/recieved_at", "unknown member"},
                                         {"/subject/a~1b~0c", "unknown member"},
                                         {"/subject/nickname", "unknown member"},
                                         {"/reporter/email", "unknown member"},
                                         {"/consent/share", "unknown member"}});
}

TEST_CASE("clue: wrong JSON types", "[clue][domain]") {
    auto with = [](const json::json_pointer& p, json v) {
        json body = valid_body();
        body[p] = std::move(v);
        return only_error(body);
    };
    using P = json::json_pointer;
    CHECK(with(P("/source"), "x") == FieldError{"/source", "must be an object"});
    CHECK(with(P("/subject"), json::array()) == FieldError{"/subject", "must be an object"});
    CHECK(with(P("/source/channel"), 12309) == FieldError{"/source/channel", "must be a string"});
    CHECK(with(P("/subject/name"), json::array()) ==
          FieldError{"/subject/name", "must be a string"});
    CHECK(with(P("/subject/region"), 511702) == FieldError{"/subject/region", "must be a string"});
    CHECK(with(P("/subject/rural"), "yes") ==
          FieldError{"/subject/rural", "must be true or false"});
    CHECK(with(P("/subject/age"), "45") == FieldError{"/subject/age", "must be an integer"});
    CHECK(with(P("/subject/age"), 45.5) == FieldError{"/subject/age", "must be an integer"});
    CHECK(with(P("/indicators"), "domestic_violence") ==
          FieldError{"/indicators", "must be an array"});
    CHECK(with(P("/indicators/1"), 7) == FieldError{"/indicators/1", "must be a string"});
    CHECK(with(P("/narrative"), json::object()) == FieldError{"/narrative", "must be a string"});
    CHECK(with(P("/consent/share_with_partners"), 1) ==
          FieldError{"/consent/share_with_partners", "must be true or false"});
    CHECK(with(P("/reporter"), true) == FieldError{"/reporter", "must be an object"});
}

TEST_CASE("clue: vocabulary errors list the allowed values", "[clue][domain]") {
    json body = valid_body();
    body["source"]["channel"] = "hotline_110";
    body["subject"]["sex"] = "F";
    body["indicators"] = {"domestic_violence", "poverty_relapse_risk", "dv", "domestic_violence"};
    body["reporter"]["relation"] = "friend";
    const auto errors = errors_of(body);
    CHECK(errors ==
          FieldErrors{{"/source/channel",
                       "must be one of hotline_12309, hotline_12338, online_platform, "
                       "federation_visit, procuratorate_case, other"},
                      {"/subject/sex", "must be one of female, male, unknown"},
                      {"/indicators/2", vocabulary::one_of(vocabulary::indicators())},
                      {"/indicators/3", "is repeated"},
                      {"/reporter/relation",
                       "must be one of self, family, neighbour, social_worker, official, other"}});
    CHECK_THAT(errors.at(2).detail, Catch::StartsWith("must be one of domestic_violence, ") &&
                                        Catch::EndsWith(", protection_order_needed"));
}

TEST_CASE("clue: received_at must be RFC 3339", "[clue][domain]") {
    for (const char* bad : {"2026-11-20", "2026-11-20 09:12:00", "2026-02-30T00:00:00Z", ""}) {
        INFO(bad);
        json body = valid_body();
        body["source"]["received_at"] = bad;
        // An empty string fails the length check before the date check.
        const FieldError e = only_error(body);
        CHECK(e.pointer == "/source/received_at");
        CHECK(e.detail == (std::string(bad).empty() ? "must be 1 to 64 characters"
                                                    : "must be an RFC 3339 date-time"));
    }
}

TEST_CASE("clue: identity checks", "[clue][domain]") {
    json body = valid_body();
    body["subject"]["id_number"] = "511702198103120241";
    CHECK(only_error(body) == FieldError{"/subject/id_number", "check character is wrong"});
    body["subject"]["id_number"] = "5117021981031202";
    CHECK(only_error(body) == FieldError{"/subject/id_number", "must be 18 characters"});

    body = valid_body();
    body["subject"]["id_number"] = "51170219810312024x";
    auto lower = parse_clue(body);
    REQUIRE(lower);
    CHECK(lower->subject.id_number == "51170219810312024X");

    body = valid_body();
    body["subject"]["sex"] = "male";
    CHECK(only_error(body) == FieldError{"/subject/sex", "does not match the ID number"});

    body = valid_body();
    body["subject"]["birth_date"] = "1981-03-13";
    CHECK(only_error(body) == FieldError{"/subject/birth_date", "does not match the ID number"});

    body = valid_body();
    body["subject"]["age"] = 42;
    CHECK(only_error(body) == FieldError{"/subject/age", "does not match the birth date"});
    body["subject"]["age"] = 48;
    CHECK(only_error(body) == FieldError{"/subject/age", "does not match the birth date"});
    // Born 1981-03-12, received 2026-11-20: 45 full years. A stated age within two years
    // (a nominal age, a guess) is kept as stated.
    for (int stated : {43, 44, 45, 46, 47}) {
        body["subject"]["age"] = stated;
        auto r = parse_clue(body);
        REQUIRE(r);
        CHECK(r->subject.age == stated);
    }

    // An ID number born after the clue arrived cannot be right.
    body = valid_body();
    body["subject"].erase("age");
    const std::string first17 = "51170220261121024";
    body["subject"]["id_number"] = first17 + id_number_check_character(first17);
    CHECK(only_error(body) ==
          FieldError{"/subject/id_number", "birth date is after the clue was received"});
}

TEST_CASE("clue: birth_date and age without an ID number", "[clue][domain]") {
    json body = minimal_body();
    body["subject"]["birth_date"] = "1953-01-10";
    body["subject"]["age"] = 73;
    CHECK(parse_clue(body).has_value());
    body["subject"]["age"] = 70;
    CHECK(only_error(body) == FieldError{"/subject/age", "does not match the birth date"});
    body["subject"]["age"] = 73;
    auto r = parse_clue(body);
    REQUIRE(r);
    CHECK(r->subject.birth_date->year == 1953);
    CHECK(to_json(*r)["subject"]["birth_date"] == "1953-01-10");

    for (const char* bad : {"1981-02-30", "1981-3-12", "19810312", "1981/03/12", "2023-02-29"}) {
        INFO(bad);
        body = minimal_body();
        body["subject"]["birth_date"] = bad;
        CHECK(only_error(body) ==
              FieldError{"/subject/birth_date", "must be a real date written YYYY-MM-DD"});
    }
    body = minimal_body();
    body["subject"]["birth_date"] = "1899-12-31";
    CHECK(only_error(body) == FieldError{"/subject/birth_date", "must not be before 1900"});
    body["subject"]["birth_date"] = "2026-11-22";
    CHECK(only_error(body) == FieldError{"/subject/birth_date", "is after the clue was received"});
    body["subject"]["birth_date"] = "2024-02-29";
    CHECK(parse_clue(body).has_value());

    body = minimal_body();
    body["subject"]["age"] = 131;
    CHECK(only_error(body) == FieldError{"/subject/age", "must be between 0 and 130"});
    body["subject"]["age"] = -1;
    CHECK(only_error(body) == FieldError{"/subject/age", "must be between 0 and 130"});
    body["subject"]["age"] = 130;
    CHECK(parse_clue(body).has_value());
    body["subject"]["age"] = 0;
    CHECK(parse_clue(body).has_value());
}

TEST_CASE("clue: phones and regions", "[clue][domain]") {
    json body = valid_body();
    body["subject"]["phone"] = "12800130001";
    body["reporter"]["phone"] = "call me";
    body["subject"]["region"] = "510001";
    CHECK(errors_of(body) ==
          FieldErrors{{"/subject/phone", "is not a valid Chinese phone number"},
                      {"/subject/region", "a county code needs its prefecture part"},
                      {"/reporter/phone",
                       "must contain only digits, spaces, dashes, parentheses and a leading +"}});
    body = valid_body();
    body["subject"]["region"] = "991702";
    CHECK(only_error(body) ==
          FieldError{"/subject/region", "province part is not a real province"});
}

TEST_CASE("clue: string lengths count code points", "[clue][domain]") {
    json body = valid_body();
    body["subject"]["name"] = codepoints("张", 64);  // 192 bytes, 64 characters
    CHECK(parse_clue(body).has_value());
    body["subject"]["name"] = codepoints("张", 65);
    CHECK(only_error(body) == FieldError{"/subject/name", "must be 1 to 64 characters"});
    body["subject"]["name"] = "";
    CHECK(only_error(body) == FieldError{"/subject/name", "must be 1 to 64 characters"});

    body = valid_body();
    body["subject"]["address"] = codepoints("路", 256);
    CHECK(parse_clue(body).has_value());
    body["subject"]["address"] = codepoints("路", 257);
    CHECK(only_error(body) == FieldError{"/subject/address", "must be 1 to 256 characters"});

    body = valid_body();
    body["source"]["reference"] = codepoints("R", 128);
    CHECK(parse_clue(body).has_value());
    body["source"]["reference"] = codepoints("R", 129);
    CHECK(only_error(body) == FieldError{"/source/reference", "must be 1 to 128 characters"});
    body["source"]["reference"] = "";
    CHECK(only_error(body) == FieldError{"/source/reference", "must be 1 to 128 characters"});

    body = valid_body();
    body["narrative"] = codepoints("打", 20000);
    CHECK(parse_clue(body).has_value());
    body["narrative"] = codepoints("打", 20001);
    CHECK(only_error(body) == FieldError{"/narrative", "must be at most 20000 characters"});
    body["narrative"] = "";
    CHECK(parse_clue(body).has_value());
}

TEST_CASE("clue: UTF-8 and control characters", "[clue][domain]") {
    const FieldError bad_utf8{"/subject/name", "must be valid UTF-8"};
    for (const char* bytes : {"\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                              "\xf4\x90\x80\x80", "ok\x80"}) {
        json body = valid_body();
        body["subject"]["name"] = std::string(bytes);
        CHECK(only_error(body) == bad_utf8);
    }
    json body = valid_body();
    body["narrative"] = std::string("abc\xfe");
    CHECK(only_error(body) == FieldError{"/narrative", "must be valid UTF-8"});

    const FieldError control{"/subject/name", "must not contain control characters"};
    for (const char* text : {"a\nb", "a\tb", "a\x01", "a\x7f", "a\xc2\x85"}) {
        body = valid_body();
        body["subject"]["name"] = text;
        CHECK(only_error(body) == control);
    }
    body = valid_body();
    body["source"]["reference"] = "R\r\n1";
    CHECK(only_error(body) ==
          FieldError{"/source/reference", "must not contain control characters"});
    body = valid_body();
    body["narrative"] = "line\x1b[31m";
    CHECK(only_error(body) == FieldError{"/narrative", "must not contain control characters"});
    body["narrative"] = "a\nb\r\nc\td";
    CHECK(parse_clue(body).has_value());
}

TEST_CASE("clue: every error is reported at once, none with the value", "[clue][domain]") {
    json body = valid_body();
    body["subject"]["id_number"] = "51170219810312024Y";
    body["subject"]["phone"] = "13800";
    body["subject"]["name"] = codepoints("秘", 70);
    body["subject"]["age"] = 200;
    body["source"]["received_at"] = "yesterday";
    body["narrative"] = std::string("secret\x01");
    const FieldErrors errors = errors_of(body);
    CHECK(errors == FieldErrors{{"/source/received_at", "must be an RFC 3339 date-time"},
                                {"/subject/name", "must be 1 to 64 characters"},
                                {"/subject/id_number", "the last character must be a digit or X"},
                                {"/subject/phone", "is not a valid Chinese phone number"},
                                {"/subject/age", "must be between 0 and 130"},
                                {"/narrative", "must not contain control characters"}});
    for (const auto& e : errors) {
        CHECK(e.detail.find("511702") == std::string::npos);
        CHECK(e.detail.find("13800") == std::string::npos);
        CHECK(e.detail.find("秘") == std::string::npos);
        CHECK(e.detail.find("200") == std::string::npos);
        CHECK(e.detail.find("yesterday") == std::string::npos);
        CHECK(e.detail.find("secret") == std::string::npos);
    }
}

TEST_CASE("clue: subject_age", "[clue][domain]") {
    ClueSubject s;
    CHECK_FALSE(subject_age(s, {2026, 11, 20}));
    s.birth_date = CivilDate{1981, 3, 12};
    CHECK(subject_age(s, {2026, 11, 20}) == 45);
    CHECK(subject_age(s, {2026, 3, 11}) == 44);
    s.age = 50;  // a stated age wins
    CHECK(subject_age(s, {2026, 11, 20}) == 50);
}

TEST_CASE("clue: stored clues map back exactly, without being judged again", "[clue][domain]") {
    for (const auto& sample : sample_clues()) {
        auto parsed = parse_clue(sample);
        REQUIRE(parsed);
        const json stored = to_json(*parsed);
        const Clue back = clue_from_json(stored);
        CHECK(to_json(back) == stored);
        CHECK(back.source.received_at == parsed->source.received_at);
        CHECK(back.subject.birth_date.has_value() == parsed->subject.birth_date.has_value());
    }

    // A clue accepted under older, looser rules: today's intake would refuse it (unknown
    // indicator, broken check character), but a stored record must still read.
    json older = to_json(*parse_clue(valid_body()));
    older["indicators"] = {"retired_indicator"};
    older["subject"]["id_number"] = "511702198103120241";
    REQUIRE_FALSE(parse_clue(older));
    const Clue kept = clue_from_json(older);
    CHECK(kept.indicators == std::vector<std::string>{"retired_indicator"});
    CHECK(kept.subject.id_number == "511702198103120241");

    // A broken shape, which only a hand-edited database produces, is an error that names
    // no value.
    json broken = older;
    broken["subject"].erase("region");
    CHECK_THROWS_AS(clue_from_json(broken), std::invalid_argument);
    broken = older;
    broken["source"]["received_at"] = "yesterday";
    CHECK_THROWS_AS(clue_from_json(broken), std::invalid_argument);
    broken = older;
    broken["consent"] = "yes";
    CHECK_THROWS_AS(clue_from_json(broken), std::invalid_argument);
}

TEST_CASE("clue: received_at before 1990, or ahead of the clock beyond the tolerance",
          "[clue][domain]") {
    json body = valid_body();  // received 2026-11-20T09:12:00+08:00 = 01:12Z
    const Timestamp received = *parse_rfc3339("2026-11-20T01:12:00Z");
    using std::chrono::minutes;
    using std::chrono::seconds;
    // Five minutes fast is within a 300 s tolerance; ten is not.
    CHECK(parse_clue(body, {received - minutes(5), seconds(300)}));
    const auto ahead = parse_clue(body, {received - minutes(10), seconds(300)});
    REQUIRE_FALSE(ahead);
    REQUIRE(ahead.error().size() == 1);
    CHECK(ahead.error()[0].pointer == "/source/received_at");
    CHECK_THAT(ahead.error()[0].detail, Catch::Contains("in the future"));
    // Reported together with the body's other errors.
    body["subject"]["sex"] = "F";
    CHECK(parse_clue(body, {received - minutes(10), seconds(300)}).error().size() == 2);
    body = minimal_body();
    body["source"]["received_at"] = "1989-12-31T23:59:59Z";
    CHECK(only_error(body) == FieldError{"/source/received_at", "must not be before 1990-01-01"});
    body["source"]["received_at"] = "1990-01-01T00:00:00Z";
    CHECK(parse_clue(body));
}
