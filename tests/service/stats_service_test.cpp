// Progress figures through the service: who sees which agencies' figures, and the figures
// of clues submitted and tickets moved through the real use cases.
#include <catch2/catch.hpp>

#include "clue_router/service/stats_service.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

const std::optional<std::string> kCounty = "511702";

}  // namespace

TEST_CASE("stats scope: each role's reach", "[service][stats]") {
    const Actor admin{"k", "proc-510000", Role::admin};
    const Actor supervisor{"k", "proc-511700", Role::supervisor};
    const Actor staff{"k", "proc-511702", Role::staff};
    const Actor intake{"k", "hotline-12309-sc", Role::intake};

    auto a = stats_scope(admin, std::nullopt, std::nullopt);
    REQUIRE(a);
    CHECK_FALSE(a->region_prefix);
    CHECK_FALSE(a->agency);
    auto a2 = stats_scope(admin, std::string("440000"), std::nullopt);
    REQUIRE(a2);
    CHECK(a2->region_prefix == "44");

    auto s = stats_scope(supervisor, std::nullopt, std::string("511700"));
    REQUIRE(s);
    CHECK(s->region_prefix == "5117");
    CHECK_FALSE(s->agency);
    auto s2 = stats_scope(supervisor, kCounty, std::string("511700"));
    REQUIRE(s2);
    CHECK(s2->region_prefix == "511702");
    auto outside = stats_scope(supervisor, std::string("510104"), std::string("511700"));
    REQUIRE_FALSE(outside);
    CHECK(outside.error().kind == ErrorKind::forbidden);
    REQUIRE(outside.error().errors.size() == 1);
    CHECK(outside.error().errors[0].pointer == "/query/region");
    auto wider = stats_scope(supervisor, std::string("510000"), std::string("511700"));
    REQUIRE_FALSE(wider);
    auto homeless = stats_scope(supervisor, std::nullopt, std::nullopt);
    REQUIRE_FALSE(homeless);
    CHECK(homeless.error().kind == ErrorKind::forbidden);

    auto st = stats_scope(staff, std::nullopt, kCounty);
    REQUIRE(st);
    CHECK(st->agency == "proc-511702");
    CHECK_FALSE(st->region_prefix);
    CHECK_FALSE(stats_scope(staff, std::string("511700"), kCounty));

    auto in = stats_scope(intake, std::string("511700"), std::string("510000"));
    REQUIRE(in);
    CHECK(in->clue_sender == "hotline-12309-sc");
    CHECK(in->region_prefix == "5117");
    CHECK_FALSE(in->agency);
}

TEST_CASE("stats service: figures follow submissions and transitions, per role",
          "[service][stats]") {
    ServiceFixture f;
    // The stored directory (serve seeds it from the directory file).
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        for (const auto& a : f.config.get()->directory.all()) tx.upsert_agency(a);
    });
    StatsService stats(*f.store, f.clock, std::chrono::minutes(480));

    for (int i = 0; i < 6; ++i) {
        auto submitted = f.submit(f.hotline, clue_body("STATS-" + std::to_string(i)));
        REQUIRE(submitted);
        const auto id = ServiceFixture::only_ticket(*submitted);
        REQUIRE(f.transition(f.procuratorate, id, 1, {{"action", "accept"}}));
        if (i < 5) {
            f.clock.advance(std::chrono::hours(1));
            REQUIRE(f.transition(f.procuratorate, id, 2,
                                 {{"action", "close"}, {"outcome", "not_eligible"}}));
        }
    }
    f.clock.advance(std::chrono::hours(1));

    const Actor supervisor{"k", "proc-511700", Role::supervisor};
    auto report = stats.figures(supervisor, {{"by", "agency"}});
    REQUIRE(report);
    const auto j = domain::to_json(report->table, report->request);
    INFO(j.dump(2));
    CHECK(j["total"]["tickets_created"].get<int>() >= 6);
    CHECK(j["total"]["outcome_not_eligible"] == 5);
    bool found = false;
    for (const auto& row : j["rows"]) {
        if (row["group"] != "proc-511702") continue;
        found = true;
        CHECK(row["tickets_created"] == 6);
        CHECK(row["tickets_accepted"] == 6);
        CHECK(row["tickets_closed"] == 5);
        CHECK(row["tickets_open"] == 1);
        CHECK(row["hours_to_close_median"] == 1.0);
    }
    CHECK(found);
    // The hotline sits at the province, outside the prefecture: its clues are not counted.
    CHECK(j["total"]["clues_received"] == 0);

    const Actor other_supervisor{"k", "proc-510100", Role::supervisor};
    auto other = stats.figures(other_supervisor, {});
    REQUIRE(other);
    CHECK(domain::to_json(other->table, other->request)["total"]["tickets_created"] == 0);

    auto mine = stats.figures(f.hotline, {});
    REQUIRE(mine);
    const auto hotline = domain::to_json(mine->table, mine->request);
    CHECK(hotline["total"]["clues_received"] == 6);
    CHECK(hotline["total"]["clues_routed"] == 6);

    auto staff_other = stats.figures(f.other_procuratorate, {});
    REQUIRE(staff_other);
    CHECK(domain::to_json(staff_other->table, staff_other->request)["total"]["tickets_created"] ==
          0);

    auto bad = stats.figures(supervisor, {{"by", "name"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == ErrorKind::bad_request);
    CHECK(bad.error().errors.at(0).pointer == "/query/by");
}
