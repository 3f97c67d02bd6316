// One content per criteria version: the content a version string is first used with is kept,
// and other content under the same string is refused (issue 22: a reload accepted changed
// thresholds under the same version, and re-screening then changed nothing).
#include <catch2/catch.hpp>

#include "clue_router/service/criteria_versions.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;
using Catch::Matchers::Contains;

namespace {

void record(ServiceFixture& f, const std::string& version, const std::string& sha256) {
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        record_criteria_version(tx, version, sha256, f.clock.now());
    });
}

}  // namespace

TEST_CASE("the criteria digest ignores layout and member order, not values",
          "[service][criteria_versions]") {
    const auto shipped = read_json("config/criteria.json");
    const auto digest = criteria_sha256(shipped);
    CHECK(digest.size() == 64);
    // The same document written another way: indented, members in another order.
    const auto reparsed = nlohmann::json::parse(shipped.dump(4));
    CHECK(criteria_sha256(reparsed) == digest);
    CHECK(criteria_sha256(nlohmann::json::parse(R"({"b": 1, "a": [1, 2]})")) ==
          criteria_sha256(nlohmann::json::parse(R"({ "a": [1,2],
                                                     "b": 1 })")));
    // Any value changed is another content, a threshold as much as a term.
    auto changed = shipped;
    changed["thresholds"]["high"] = changed["thresholds"]["high"].get<int>() + 1;
    CHECK(criteria_sha256(changed) != digest);
    CHECK(criteria_sha256(nlohmann::json::parse(R"({"a": [2, 1]})")) !=
          criteria_sha256(nlohmann::json::parse(R"({"a": [1, 2]})")));
}

TEST_CASE("a criteria version is recorded once, with its content, and audited",
          "[service][criteria_versions]") {
    ServiceFixture f;
    const std::string a(64, 'a');
    record(f, "v1", a);
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        const auto v1 = tx.find_criteria_version("v1");
        REQUIRE(v1);
        CHECK(v1->content_sha256 == a);
        CHECK(v1->first_used_at == f.clock.now());
        CHECK_FALSE(tx.find_criteria_version("v2"));
    });
    auto rows = f.store->reader()->audit_entries(0, 100);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].action == "criteria.first_used");
    CHECK(rows[0].record_type == "criteria");
    CHECK(rows[0].record_id == "v1");
    CHECK(rows[0].detail == nlohmann::json{{"sha256", a}});

    // The same content again (a restart, a reload that changed another file): nothing new.
    f.clock.advance(std::chrono::hours(1));
    record(f, "v1", a);
    CHECK(f.store->reader()->audit_entries(0, 100).size() == 1);

    // A new version is a new row; going back to an earlier version with its own content is
    // fine (a change rolled back).
    const std::string b(64, 'b');
    record(f, "v2", b);
    record(f, "v1", a);
    CHECK(f.store->reader()->audit_entries(0, 100).size() == 2);
}

TEST_CASE("other content under a version already used is refused, saying what to do",
          "[service][criteria_versions]") {
    ServiceFixture f;
    const std::string a = "3f2a9c1b7d4e" + std::string(52, '0');
    const std::string b = "81bc07aa19f2" + std::string(52, '1');
    record(f, "2026.11-lexicon-2", a);
    try {
        record(f, "2026.11-lexicon-2", b);
        FAIL("changed criteria under the same version were accepted");
    } catch (const CriteriaVersionConflict& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Contains("criteria version '2026.11-lexicon-2' was first used on "
                                  "2026-11-20T01:12:00.000Z with other content"));
        CHECK_THAT(what, Contains("3f2a9c1b7d4e"));
        CHECK_THAT(what, Contains("81bc07aa19f2"));
        CHECK_THAT(what, Contains("new version"));
    }
    // The refused unit of work left the record as it was, and wrote no audit row.
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        CHECK(tx.find_criteria_version("2026.11-lexicon-2")->content_sha256 == a);
    });
    CHECK(f.store->reader()->audit_entries(0, 100).size() == 1);
}
