#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/vocabulary.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

json valid_agency() {
    return json::parse(R"({
        "id": "proc.sc.dazhou.tongchuan", "kind": "procuratorate",
        "name": "达州市通川区人民检察院", "region": "511702",
        "parent": "proc.sc.dazhou", "services": ["judicial_assistance", "intake"],
        "accepts_referrals": false
    })");
}

FieldErrors errors_of(const json& doc, const std::string& pointer = "") {
    auto r = parse_agency(doc, pointer);
    REQUIRE_FALSE(r);
    return r.error();
}

}  // namespace

TEST_CASE("agency: a full entry parses and round-trips", "[agency][domain]") {
    auto r = parse_agency(valid_agency());
    REQUIRE(r);
    CHECK(r->id == "proc.sc.dazhou.tongchuan");
    CHECK(r->kind == "procuratorate");
    CHECK(r->name == "达州市通川区人民检察院");
    CHECK(r->region == "511702");
    CHECK(r->parent == "proc.sc.dazhou");
    CHECK(r->services == std::vector<std::string>{"judicial_assistance", "intake"});
    CHECK_FALSE(r->accepts_referrals);
    CHECK(to_json(*r) == valid_agency());
    auto again = parse_agency(to_json(*r));
    REQUIRE(again);
    CHECK(*again == *r);
}

TEST_CASE("agency: defaults", "[agency][domain]") {
    auto r = parse_agency(json{{"id", "wf-51"},
                               {"kind", "womens_federation"},
                               {"name", "四川省妇联"},
                               {"region", "510000"}});
    REQUIRE(r);
    CHECK_FALSE(r->parent);
    CHECK(r->services.empty());
    CHECK(r->accepts_referrals);
    const json out = to_json(*r);
    CHECK_FALSE(out.contains("parent"));
    CHECK(out["services"] == json::array());
    CHECK(out["accepts_referrals"] == true);
}

TEST_CASE("agency: errors carry the given pointer prefix", "[agency][domain]") {
    CHECK(errors_of(json::object(), "/agencies/3") ==
          FieldErrors{{"/agencies/3/id", "is required"},
                      {"/agencies/3/kind", "is required"},
                      {"/agencies/3/name", "is required"},
                      {"/agencies/3/region", "is required"}});
    CHECK(errors_of(json::array(), "/agencies/0") ==
          FieldErrors{{"/agencies/0", "must be an object"}});
}

TEST_CASE("agency: every field checked", "[agency][domain]") {
    json doc = valid_agency();
    doc["id"] = "Proc SC";
    doc["kind"] = "police";
    doc["name"] = "";
    doc["region"] = "510001";
    doc["parent"] = 7;
    doc["services"] = {"intake", "cooking", 3, "intake"};
    doc["accepts_referrals"] = "yes";
    doc["webhook"] = "https://example.org";
    CHECK(errors_of(doc, "/agencies/1") ==
          FieldErrors{
              {"/agencies/1/webhook", "unknown member"},
              {"/agencies/1/id", "must be 1 to 64 characters from a-z, 0-9, '.', '_' and '-'"},
              {"/agencies/1/kind", vocabulary::one_of(vocabulary::agency_kinds())},
              {"/agencies/1/name", "must be 1 to 128 characters"},
              {"/agencies/1/region", "a county code needs its prefecture part"},
              {"/agencies/1/parent", "must be a string"},
              {"/agencies/1/services/1", vocabulary::one_of(vocabulary::services())},
              {"/agencies/1/services/2", "must be a string"},
              {"/agencies/1/services/3", "is repeated"},
              {"/agencies/1/accepts_referrals", "must be true or false"}});
}

TEST_CASE("agency: ids and names at their limits", "[agency][domain]") {
    json doc = valid_agency();
    doc["id"] = std::string(64, 'a');
    CHECK(parse_agency(doc).has_value());
    doc["id"] = std::string(65, 'a');
    CHECK(errors_of(doc) ==
          FieldErrors{{"/id", "must be 1 to 64 characters from a-z, 0-9, '.', '_' and '-'"}});
    doc["id"] = "";
    CHECK(errors_of(doc).size() == 1);

    doc = valid_agency();
    std::string name;
    for (int i = 0; i < 128; ++i) name += "院";
    doc["name"] = name;
    CHECK(parse_agency(doc).has_value());
    doc["name"] = name + "院";
    CHECK(errors_of(doc) == FieldErrors{{"/name", "must be 1 to 128 characters"}});
    doc["name"] = std::string("bad\xff");
    CHECK(errors_of(doc) ==
          FieldErrors{{"/name", "must be valid UTF-8 without control characters"}});
    doc["name"] = "line\nbreak";
    CHECK(errors_of(doc) ==
          FieldErrors{{"/name", "must be valid UTF-8 without control characters"}});

    doc = valid_agency();
    doc["services"] = "intake";
    CHECK(errors_of(doc) == FieldErrors{{"/services", "must be an array"}});
    doc = valid_agency();
    doc["parent"] = "Bad Parent";
    CHECK(errors_of(doc) ==
          FieldErrors{{"/parent", "must be 1 to 64 characters from a-z, 0-9, '.', '_' and '-'"}});
}
