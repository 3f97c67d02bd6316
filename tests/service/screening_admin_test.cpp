#include <catch2/catch.hpp>

#include "clue_router/service/screening_admin.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

// The demo criteria under another version, with domestic violence now ranked urgent.
std::shared_ptr<const RuntimeConfig> stricter_runtime() {
    auto doc = read_json("config/criteria.json");
    doc["version"] = "test-stricter";
    doc["indicators"]["domestic_violence"]["urgent"] = true;
    auto criteria = domain::parse_criteria(doc);
    REQUIRE(criteria);
    auto base = demo_runtime();
    auto next = std::make_shared<RuntimeConfig>(*base);
    next->criteria = *criteria;
    return next;
}

Result<RescreenSummary> rescreen(ScreeningAdmin& admin, const Actor& actor) {
    return ServiceFixture::wait_for<RescreenSummary>(
        [&](auto done) { admin.rescreen_open(actor, std::move(done)); });
}

}  // namespace

TEST_CASE("re-screening adds a screening to open clues and keeps the old one",
          "[service][screening_admin]") {
    ServiceFixture f;
    ScreeningAdmin admin(*f.store, f.config, f.clock, {}, [] { return std::string("unused"); });
    Actor admin_key{"key_admin", "proc-510000", Role::admin};

    auto open = f.submit(f.hotline, clue_body("OPEN"));
    auto waiting = f.submit(f.hotline, clue_body("REVIEW", "511702", false));
    auto finished = f.submit(f.hotline, clue_body("DONE"));
    REQUIRE(open);
    REQUIRE(waiting);
    REQUIRE(finished);
    // Both its tickets closed with an outcome: nothing about the clue is open any more.
    for (const char* purpose : {"judicial_assistance", "social_support"}) {
        const auto id = ServiceFixture::ticket_for(*finished, purpose);
        const domain::Ticket t = *f.tickets.get(Actor{"k", "proc-510000", Role::admin}, id);
        const Actor recipient{"key_r", t.recipient_agency, Role::staff};
        REQUIRE(f.transition(recipient, id, 1, {{"action", "accept"}}));
        REQUIRE(f.transition(recipient, id, 2, {{"action", "close"}, {"outcome", "unreachable"}}));
    }
    const std::string open_id = nlohmann::json::parse(open->body)["clue"]["id"];
    const std::string finished_id = nlohmann::json::parse(finished->body)["clue"]["id"];

    f.config.replace(stricter_runtime());
    auto summary = rescreen(admin, admin_key);
    REQUIRE(summary);
    CHECK(summary->criteria_version == "test-stricter");
    CHECK(summary->examined == 2);  // the clue with only closed tickets is no longer open
    CHECK(summary->rescreened == 2);
    CHECK(summary->priority_changed == 2);

    auto history = f.clues.screenings(f.hotline, open_id);
    REQUIRE(history);
    REQUIRE((*history)["items"].size() == 2);
    CHECK((*history)["items"][0]["criteria_version"] == demo_runtime()->criteria.version);
    CHECK((*history)["items"][1]["criteria_version"] == "test-stricter");
    CHECK((*history)["items"][1]["priority"] == "urgent");
    CHECK(f.store->reader()->find_clue(open_id)->priority == domain::Priority::urgent);
    CHECK(f.clues.get(f.hotline, open_id)->at("screening")["priority"] == "urgent");
    CHECK((*f.clues.screenings(f.hotline, finished_id))["items"].size() == 1);

    // Running it again changes nothing: those clues are already under these criteria.
    auto again = rescreen(admin, admin_key);
    REQUIRE(again);
    CHECK(again->examined == 2);
    CHECK(again->rescreened == 0);

    auto not_admin = rescreen(admin, f.procuratorate);
    REQUIRE_FALSE(not_admin);
    CHECK(not_admin.error().kind == ErrorKind::forbidden);
    auto outsider = f.clues.screenings(f.other_procuratorate, open_id);
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);
}

TEST_CASE("re-screening pages through many open clues", "[service][screening_admin]") {
    ServiceFixture f;
    ScreeningAdmin admin(*f.store, f.config, f.clock, {}, [] { return std::string("unused"); });
    for (int i = 0; i < 450; ++i) REQUIRE(f.submit(f.hotline, clue_body("R" + std::to_string(i))));
    f.config.replace(stricter_runtime());
    auto summary = rescreen(admin, Actor{"k", "proc-510000", Role::admin});
    REQUIRE(summary);
    CHECK(summary->examined == 450);
    CHECK(summary->rescreened == 450);
    // Audited a page at a time: 200 + 200 + 50 clues, each row naming the criteria.
    int audited = 0;
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) {
        if (row.action != "clues.rescreened") continue;
        CHECK(row.actor_key == "k");
        CHECK(row.record_id == summary->criteria_version);
        audited += row.detail["clues"].get<int>();
    }
    CHECK(audited == 450);
}

TEST_CASE("a refused reload says why and changes nothing", "[service][screening_admin]") {
    ServiceFixture f;
    int calls = 0;
    ScreeningAdmin admin(*f.store, f.config, f.clock, {}, [&]() -> std::string {
        ++calls;
        throw std::runtime_error("criteria x.json: unknown key group 'nope'");
    });
    auto refused = admin.reload(Actor{"k", "proc-510000", Role::admin});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::validation);
    CHECK_THAT(refused.error().detail, Catch::Contains("unknown key group 'nope'"));
    CHECK(calls == 1);

    auto forbidden = admin.reload(f.procuratorate);
    REQUIRE_FALSE(forbidden);
    CHECK(forbidden.error().kind == ErrorKind::forbidden);
    CHECK(calls == 1);

    ScreeningAdmin working(*f.store, f.config, f.clock, {}, [] { return std::string("v2"); });
    auto ok = working.reload(Actor{"k", "proc-510000", Role::admin});
    REQUIRE(ok);
    CHECK(*ok == "v2");
}
